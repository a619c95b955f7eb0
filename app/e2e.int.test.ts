import { apiContract } from './e2e.contract.js';

// The production configuration: Postgres as the application role, NATS JetStream as the bus, and
// the detectors on a worker thread (what `auto` picks on a machine with more than 2 cores).
apiContract('postgres', 'nats', { WARROOM_DETECTION_THREAD: 'worker' });
