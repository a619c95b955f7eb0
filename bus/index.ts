/** The event bus adapters: in-process (tests, single-process dev) and NATS JetStream. */
export { createInprocBus, type InprocBus, type InprocBusOptions } from './inproc.js';
export { createNatsBus, type NatsBus, type NatsBusOptions } from './nats.js';
export type { BusErrorHook } from './shared.js';
