import { describe, expect, it } from 'vitest';
import { ContinuationDetector, MultilineJoiner } from './multiline.js';

const join = (text: string) => {
  const j = new MultilineJoiner();
  const out = [];
  for (const line of text.split('\n')) {
    const done = j.push(line);
    if (done) out.push(done);
  }
  const last = j.flush();
  if (last) out.push(last);
  return out.map((r) => [r.head, r.continuation.length]);
};

describe('MultilineJoiner', () => {
  it.each([
    {
      name: 'Java stack trace with Caused by and "... n more"',
      text: [
        '2024-01-01 10:00:00 ERROR OrderService - charge failed',
        'java.lang.IllegalStateException: card expired',
        '\tat com.acme.Payments.charge(Payments.java:42)',
        '\tat com.acme.OrderService.place(OrderService.java:17)',
        'Caused by: java.io.IOException: timeout',
        '\t... 12 more',
        '2024-01-01 10:00:01 INFO OrderService - retrying',
      ].join('\n'),
      want: [
        ['2024-01-01 10:00:00 ERROR OrderService - charge failed', 5],
        ['2024-01-01 10:00:01 INFO OrderService - retrying', 0],
      ],
    },
    {
      name: 'Python traceback ending with the exception line',
      text: [
        'ERROR:root:job crashed',
        'Traceback (most recent call last):',
        '  File "job.py", line 3, in <module>',
        '    run()',
        'ValueError: bad input',
        'INFO:root:next job',
      ].join('\n'),
      want: [
        ['ERROR:root:job crashed', 4],
        ['INFO:root:next job', 0],
      ],
    },
    {
      name: 'Go panic with goroutine dump',
      text: ['panic: runtime error: index out of range', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:12 +0x1d', 'exit status 2'].join('\n'),
      want: [
        ['panic: runtime error: index out of range', 4],
        ['exit status 2', 0],
      ],
    },
    {
      name: 'ordinary lines stay apart',
      text: ['a first line', 'a second line', '  an indented line without a trace'].join('\n'),
      want: [
        ['a first line', 0],
        ['a second line', 0],
        ['  an indented line without a trace', 0],
      ],
    },
  ])('$name', ({ text, want }) => {
    expect(join(text)).toEqual(want);
  });

  it('bounds one record', () => {
    const j = new MultilineJoiner(3);
    j.push('head');
    for (let i = 0; i < 5; i++) j.push(`\tat f${i}(X.java:1)`);
    expect(j.flush()?.continuation.length).toBeLessThanOrEqual(3);
  });
});

describe('ContinuationDetector', () => {
  it('recognises .NET frames', () => {
    const d = new ContinuationDetector();
    expect(d.push('   at Acme.Orders.Place() in C:\\src\\Orders.cs:line 42')).toBe(true);
    expect(d.push('--- End of inner exception stack trace ---')).toBe(true);
    expect(d.push('next record')).toBe(false);
  });
});
