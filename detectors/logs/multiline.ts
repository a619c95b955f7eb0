/**
 * Multi-line records: stack traces and tracebacks printed one frame per line are joined to the
 * record that precedes them, so a Java exception is one record rather than forty templates.
 * Recognised shapes: Java/JVM and JavaScript frames (`\tat …`, `Caused by: …`, `... 12 more`),
 * Python tracebacks (`Traceback (most recent call last):`, indented frames, the final
 * `ValueError: …` line), Go panics (`goroutine 1 [running]:` and tab-indented frames), and
 * .NET (`   at Ns.Type.Method() in File.cs:line 12`, `--- End of inner exception stack trace ---`).
 */

const FRAME = /^\s+at\s|^\s*\.\.\. \d+ (?:more|common frames omitted)|^\s*(?:Caused by|Suppressed):\s|^\s*--- End of (?:inner exception )?stack trace/;
const TRACEBACK = /^Traceback \(most recent call last\):/;
const CHAINED = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;
const EXCEPTION_HEAD = /^(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::\s|$)/;
const PY_FINAL = /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Failure)(?::|$)/;
const INDENTED = /^(?:\t| {2,})\S/;
const PANIC = /^panic: /;

/** State for one stream: are we inside a traceback or a goroutine dump? */
export class ContinuationDetector {
  private mode: 'none' | 'stack' | 'python' | 'go' = 'none';

  /** True when `line` continues the previous record (call once per line, in order). */
  push(line: string): boolean {
    if (FRAME.test(line)) {
      this.mode = this.mode === 'python' ? 'python' : 'stack';
      return true;
    }
    if (TRACEBACK.test(line)) {
      this.mode = 'python';
      return true;
    }
    if (GOROUTINE.test(line)) {
      this.mode = 'go';
      return true;
    }
    switch (this.mode) {
      case 'python':
        if (INDENTED.test(line) || line.trim() === '' || CHAINED.test(line)) return true;
        if (PY_FINAL.test(line)) {
          this.mode = 'none';
          return true;
        }
        break;
      case 'go':
        // Frames alternate between `pkg.func(args)` and a tab-indented `file.go:12 +0x1d`.
        if (INDENTED.test(line) || line.trim() === '' || /^[\w./*()-]+\(.*\)$/.test(line) || /^created by /.test(line)) return true;
        break;
      case 'stack':
        if (INDENTED.test(line)) return true;
        break;
      case 'none':
        if (EXCEPTION_HEAD.test(line)) {
          this.mode = 'stack';
          return true;
        }
        break;
    }
    // A Go panic line heads its own record; the blank line and goroutine dump after it continue it.
    this.mode = PANIC.test(line) ? 'go' : 'none';
    return false;
  }

  /** Forget the state (a new stream). */
  reset(): void {
    this.mode = 'none';
  }
}

/** A record's lines: the head line and its continuation lines. */
export interface JoinedLines {
  head: string;
  continuation: string[];
}

/** Groups a stream of lines into records; `push` returns the records completed by this line. */
export class MultilineJoiner {
  private readonly detect = new ContinuationDetector();
  private current: JoinedLines | undefined;
  private readonly maxLines: number;

  /** `maxLines` bounds one record (a runaway trace is cut there; later lines start records). */
  constructor(maxLines = 1_000) {
    this.maxLines = maxLines;
  }

  /** Adds one line; returns the record it completed, if any. */
  push(line: string): JoinedLines | undefined {
    if (this.current && this.current.continuation.length < this.maxLines && this.detect.push(line)) {
      this.current.continuation.push(line);
      return undefined;
    }
    if (!this.current) this.detect.push(line);
    const done = this.current;
    this.current = { head: line, continuation: [] };
    return done;
  }

  /** The last record, at the end of the stream. */
  flush(): JoinedLines | undefined {
    const done = this.current;
    this.current = undefined;
    this.detect.reset();
    return done;
  }
}
