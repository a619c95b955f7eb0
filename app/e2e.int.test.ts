import { apiContract } from './e2e.contract.js';

// The production configuration: Postgres as the application role, NATS JetStream as the bus.
apiContract('postgres', 'nats');
