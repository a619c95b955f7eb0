import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { decodeEntities, htmlTitle, htmlToText } from './html.js';

const PAGE = `<!doctype html><html><head><title>Disk &amp; Logs</title><style>h1{color:red}</style>
<script>var x = "<h1>not me</h1>";</script></head>
<body><!-- a comment <h2>no</h2> -->
<h1>Disk <em>full</em></h1>
<p>The   disk is
almost full.</p>
<h2 id="diag">Diagnosis</h2>
<ul><li>Run <code>df -h</code></li><li>Check &lt;logs&gt;</li></ul>
<pre>du -sh /var/log/*
  indented   line</pre>
<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
<p>a<br>b &#x2F; &#39;q&#39; &nbsp;end</p>
</body></html>`;

describe('htmlToText', () => {
  it('turns headings into Markdown headings and drops scripts, styles and comments', () => {
    const t = htmlToText(PAGE);
    expect(htmlTitle(PAGE)).toBe('Disk & Logs');
    expect(t).toContain('# Disk full');
    expect(t).toContain('## Diagnosis');
    expect(t).toContain('The disk is almost full.');
    expect(t).toContain('- Run df -h');
    expect(t).toContain('- Check <logs>');
    expect(t).toContain('```\ndu -sh /var/log/*\n  indented   line\n```');
    expect(t).toContain('a | b |');
    expect(t).toContain("a\nb / 'q'");
    expect(t).not.toMatch(/not me|color:red|comment|no<\/h2>/);
  });

  it('chunks along the converted headings', () => {
    const d = chunkDocument(htmlToText(PAGE), 'markdown', { minChars: 0 });
    expect(d.title).toBe('Disk full');
    expect(d.chunks.map((c) => c.headingPath)).toEqual([['Disk full'], ['Disk full', 'Diagnosis']]);
  });

  it('is forgiving: unclosed tags, stray <, unknown entities', () => {
    expect(htmlToText('<p>1 < 2 &bogus; <b>bold')).toBe('1 < 2 &bogus; bold');
    expect(htmlToText('<h3>Open heading')).toBe('### Open heading');
    expect(decodeEntities('&#0; &#1114112; &amp;')).toBe('&#0; &#1114112; &');
  });
});
