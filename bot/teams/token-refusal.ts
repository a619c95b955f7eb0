/**
 * A forged channel token must be a 401, not a 500. botbuilder turns its own AuthenticationError
 * into a 401, but a token whose signature does not verify under the published key id, or that is
 * not valid yet, fails inside jsonwebtoken (JsonWebTokenError, NotBeforeError) and reaches
 * CloudAdapter as a plain error: a 500 that reads like Warroom's fault and that Teams retries.
 * `refusingForgedTokens` rethrows those as the AuthenticationError CloudAdapter maps to 401.
 */
import { createRequire } from 'node:module';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { AuthenticationError as AuthenticationErrorType } from 'botframework-connector';

// The class CloudAdapter tests with instanceof: botframework-connector as botbuilder itself resolves it
// (botbuilder's dependency, not ours), so the check holds even if another copy is installed elsewhere.
const fromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
const { AuthenticationError } = fromBotbuilder('botframework-connector') as { AuthenticationError: typeof AuthenticationErrorType };

/** jsonwebtoken's verify errors: the token is bad, not the server. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** The error as CloudAdapter should see it: a bad token as a 401 AuthenticationError, anything else unchanged. */
export function asRefusal(err: unknown): unknown {
  if (err instanceof AuthenticationError) return err;
  if (err instanceof Error && TOKEN_ERRORS.has(err.name)) return new AuthenticationError(`Unauthorized. ${err.message}`, 401);
  return err;
}

/** ConfigurationBotFrameworkAuthentication whose inbound checks refuse a bad token with a 401. */
export class RefusingForgedTokens extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>) {
    try {
      return await super.authenticateRequest(...args);
    } catch (err) {
      throw asRefusal(err);
    }
  }

  override async authenticateStreamingRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateStreamingRequest']>) {
    try {
      return await super.authenticateStreamingRequest(...args);
    } catch (err) {
      throw asRefusal(err);
    }
  }
}
