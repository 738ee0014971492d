import { FixedOffsetZone, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before the memo starts again (bounded memory; ~40 years of hours fit). */
const MAX_HOURS = 400_000;

/**
 * An IANA zone whose UTC offset is remembered per UTC hour. luxon's IANAZone asks
 * `Intl.DateTimeFormat.formatToParts` for every offset it needs (two or three per HL7 time read,
 * one per ACK's MSH-7): the single largest JavaScript cost of HL7 ingest (issue 16 profile). An
 * hour is remembered only when the offset at its first and its last millisecond agree: a
 * transition inside it (tzdb moves offsets at most once within any hour) makes them differ, and
 * such an hour is always asked afresh. So every offset returned is the one luxon would have
 * computed, and luxon's own rules (gap, overlap) apply unchanged on top.
 */
export class CachedIanaZone extends Zone {
  readonly #zone: IANAZone;
  readonly #offsets = new Map<number, number>();

  private constructor(zone: IANAZone) {
    super();
    this.#zone = zone;
  }

  static readonly #byName = new Map<string, CachedIanaZone>();

  /** The zone, or undefined for a name that is not a valid IANA zone (luxon then says invalid). */
  static of(name: string): CachedIanaZone | undefined {
    let zone = CachedIanaZone.#byName.get(name);
    if (!zone) {
      const iana = IANAZone.create(name);
      if (!iana.isValid) return undefined;
      zone = new CachedIanaZone(iana);
      CachedIanaZone.#byName.set(name, zone);
    }
    return zone;
  }

  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.#zone.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): true {
    return true;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.#zone.offsetName(ts, options) ?? '';
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    // luxon formats an IANA zone's offset and a fixed one with the same code.
    return FixedOffsetZone.instance(this.offset(ts)).formatOffset(ts, format);
  }
  override offset(ts: number): number {
    if (!Number.isFinite(ts)) return this.#zone.offset(ts);
    const hour = Math.floor(ts / HOUR_MS);
    const known = this.#offsets.get(hour);
    if (known !== undefined) return known;
    const first = this.#zone.offset(hour * HOUR_MS);
    const last = this.#zone.offset(hour * HOUR_MS + HOUR_MS - 1);
    if (first !== last) return this.#zone.offset(ts);
    if (this.#offsets.size >= MAX_HOURS) this.#offsets.clear();
    this.#offsets.set(hour, first);
    return first;
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
}
