import { describe, expect, it } from 'vitest';
import { parseBenchOptions, SECTIONS } from '../../bench/bench-options.ts';

describe('parseBenchOptions', () => {
  it('runs every section with full durations by default', () => {
    const o = parseBenchOptions([]);
    expect(o.sections).toEqual(SECTIONS);
    expect(o.quick).toBe(false);
    expect(o.durations.repetitions).toBeGreaterThanOrEqual(3);
    expect(o.durations.ingestMessages).toBe(50_000);
  });
  it('--quick shortens every duration but keeps at least 3 repetitions', () => {
    const full = parseBenchOptions([]).durations;
    const quick = parseBenchOptions(['--quick']).durations;
    expect(quick.repetitionSeconds).toBeLessThan(full.repetitionSeconds);
    expect(quick.ingestMessages).toBeLessThan(full.ingestMessages);
    expect(quick.repetitions).toBeGreaterThanOrEqual(3);
  });
  it('--only keeps the run order whatever order was asked', () => {
    expect(parseBenchOptions(['--only', 'fanout,overhead']).sections).toEqual(['overhead', 'fanout']);
    expect(parseBenchOptions(['--only=ingest']).sections).toEqual(['ingest']);
  });
  it('refuses unknown sections and options with the usage', () => {
    expect(() => parseBenchOptions(['--only', 'overhead,speed'])).toThrow(/unknown section\(s\) speed[\s\S]*Usage/);
    expect(() => parseBenchOptions(['--only', ''])).toThrow(/Usage/);
    expect(() => parseBenchOptions(['--fast'])).toThrow(/Usage/);
  });
});
