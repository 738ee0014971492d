import type { BenchDurations, SectionName } from '../bench-options.ts';

/** One line of the targets table: what the issue asks for, what was measured, whether it holds. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** null when it could not be measured (the reason is in `measured`). */
  met: boolean | null;
}

/** What a section contributes to `bench/results/latest.md`. */
export interface SectionReport {
  name: SectionName;
  title: string;
  /** Markdown: the section's table and its notes. */
  body: string;
  targets: TargetCheck[];
  /** Extra files to write under bench/results (name → content), e.g. profile.md. */
  files?: Record<string, string>;
}

/** What every section gets from the runner. */
export interface SectionContext {
  durations: BenchDurations;
  /** A temp folder of this run (stores, profiles, supergraphs); removed at the end. */
  tmpDir: string;
  /** The end of the simulated history, the same for every section of a run. */
  now: string;
}
