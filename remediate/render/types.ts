/** What every renderer returns: the change and the script that undoes it, or why the format has none. */
export const RENDER_FORMATS = ['kubectl', 'helm', 'terraform', 'ansible', 'sql'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface Rendering {
  format: RenderFormat;
  change: string;
  rollback: string;
}

/** The step has no rendering in this format (a restart changes no Terraform attribute): the reason. */
export interface Unavailable {
  format: RenderFormat;
  unavailable: string;
}

export type RenderResult = Rendering | Unavailable;

export const unavailable = (format: RenderFormat, reason: string): Unavailable => ({ format, unavailable: reason });

/**
 * A string literal in YAML and HCL alike. The values reaching here passed remediate/commands.ts'
 * validators (no quotes, backslashes, `$`, `%`, `{` or control characters), so a JSON string is
 * also a valid, interpolation-free YAML and HCL string.
 */
export const quoted = (v: string): string => JSON.stringify(v);
