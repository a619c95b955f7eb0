/** Detector state: the checkpoints of the detectors' learned state, so a restart resumes instead of warming up again. */

export interface DetectorStateStore {
  /** A detector checkpoint saved by putDetectorState, or null. */
  getDetectorState(name: string): Promise<{ state: unknown; savedAt: string } | null>;
  /** Replaces a detector checkpoint (any JSON value; strings may hold U+0000). */
  putDetectorState(name: string, state: unknown): Promise<void>;
}
