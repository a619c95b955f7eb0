/** The public key runner outputs are signed with (issue 17 §5), for anyone who checks them. */
import { AppError } from '../core/errors.js';
import type { SigningKeyInfo } from '../core/signing.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

/** The command signing key's public half (scope `read`); unavailable when this instance signs nothing. */
export async function readSigningKey(s: Session): Promise<SigningKeyInfo> {
  requireScope(s.principal, 'read');
  const key = s.org.commandSigningKey();
  if (!key) throw new AppError('unavailable', 'This instance signs no runner outputs: its store was opened without a signing key.');
  return key;
}
