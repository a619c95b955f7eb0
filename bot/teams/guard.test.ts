/** Developer mode is for this machine only: loopback callers, loopback or configured service URLs. */
import { describe, expect, it } from 'vitest';
import { developerModeRefusal, isLoopback } from './guard.js';

describe('developer mode guard', () => {
  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '1127.0.0.1', 'fe80::1', '', undefined]) expect(isLoopback(a), String(a)).toBe(false);
  });

  it('takes a local caller replying to a local or the configured service URL, and nothing else', () => {
    expect(developerModeRefusal('127.0.0.1', 'http://localhost:3978/')).toBeNull();
    expect(developerModeRefusal('::1', 'http://[::1]:9000/')).toBeNull();
    expect(developerModeRefusal('127.0.0.1', 'https://smba.trafficmanager.net/emea/', 'https://smba.trafficmanager.net/emea/')).toBeNull();
    expect(developerModeRefusal('10.1.2.3', 'http://127.0.0.1:3978/')).toMatch(/from this machine only/);
    expect(developerModeRefusal('127.0.0.1', 'http://169.254.169.254/latest/')).toMatch(/loopback serviceUrl or TEAMS_SERVICE_URL/);
    expect(developerModeRefusal('127.0.0.1', 'https://smba.trafficmanager.net.evil.example/', 'https://smba.trafficmanager.net/emea/')).not.toBeNull();
    expect(developerModeRefusal('127.0.0.1', 'https://smba.trafficmanager.net/emea/', 'not a url')).not.toBeNull();
  });
});
