// Generated from schema/network.graphql by `npm run codegen:enums` (bin/enum-types.ts). Do not edit:
// change the SDL and run the command again (test/bin/enum-types.test.ts fails on drift).

/** Kinds of worklist change. */
export const WORKLIST_EVENT_TYPE_VALUES = ['ADDED', 'CLAIMED', 'RELEASED', 'REPORTED'] as const;
export type WorklistEventTypeValue = (typeof WORKLIST_EVENT_TYPE_VALUES)[number];

/** Patient class (PV1-2, HL7 table 0004) as NHS reporting splits activity. */
export const PATIENT_CLASS_VALUES = ['EMERGENCY', 'INPATIENT', 'OUTPATIENT', 'GP_DIRECT_ACCESS', 'OTHER', 'UNKNOWN'] as const;
export type PatientClassValue = (typeof PATIENT_CLASS_VALUES)[number];

/** Delivery state of a report version to the owning trust's RIS. */
export const DELIVERY_STATE_VALUES = ['PENDING', 'DELIVERED', 'REJECTED'] as const;
export type DeliveryStateValue = (typeof DELIVERY_STATE_VALUES)[number];

/** A dimension a capacity report can be grouped by. */
export const CAPACITY_DIMENSION_VALUES = ['TRUST', 'MODALITY', 'PRIORITY', 'WEEK'] as const;
export type CapacityDimensionValue = (typeof CAPACITY_DIMENSION_VALUES)[number];

/** Kinds of patient identifier. */
export const IDENTIFIER_TYPE_VALUES = ['NHS_NUMBER', 'MRN', 'CHI', 'HC'] as const;
export type IdentifierTypeValue = (typeof IDENTIFIER_TYPE_VALUES)[number];

/** Administrative sex. */
export const SEX_VALUES = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export type SexValue = (typeof SEX_VALUES)[number];

/** What a report version is. */
export const REPORT_KIND_VALUES = ['ORIGINAL', 'ADDENDUM', 'CORRECTION'] as const;
export type ReportKindValue = (typeof REPORT_KIND_VALUES)[number];

/** The state of a trust's study index. */
export const PACS_INDEX_STATE_VALUES = ['BACKFILLING', 'CURRENT', 'STALE', 'FAILED'] as const;
export type PacsIndexStateValue = (typeof PACS_INDEX_STATE_VALUES)[number];

/** Status of a study, from RIS workflow and reporting. */
export const STUDY_STATUS_VALUES = ['REQUESTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'PRELIMINARY', 'FINAL', 'AMENDED', 'CANCELLED', 'ON_HOLD', 'DID_NOT_ATTEND', 'ARRIVED'] as const;
export type StudyStatusValue = (typeof STUDY_STATUS_VALUES)[number];

/** Status of one report version (HL7 table 0123). */
export const REPORT_STATUS_VALUES = ['PRELIMINARY', 'FINAL', 'CORRECTED', 'CANCELLED'] as const;
export type ReportStatusValue = (typeof REPORT_STATUS_VALUES)[number];

/** Order priority (HL7 table 0027, and local values each trust maps with `hl7.priorities`). */
export const PRIORITY_VALUES = ['ROUTINE', 'URGENT', 'STAT', 'SUSPECTED_CANCER', 'PLANNED'] as const;
export type PriorityValue = (typeof PRIORITY_VALUES)[number];

/** DICOM modality defined terms (PS3.3 C.7.3.1.1.1). Any other value is `OT`. */
export const MODALITY_VALUES = ['AR', 'AU', 'BDUS', 'BI', 'BMD', 'CR', 'CT', 'DG', 'DOC', 'DX', 'ECG', 'EPS', 'ES', 'GM', 'HC', 'HD', 'IO', 'IVOCT', 'IVUS', 'KO', 'LS', 'MG', 'MR', 'NM', 'OAM', 'OCT', 'OP', 'OPM', 'OPT', 'OPV', 'OSS', 'OT', 'PLAN', 'PR', 'PT', 'PX', 'REG', 'RESP', 'RF', 'RG', 'RTDOSE', 'RTIMAGE', 'RTPLAN', 'RTRECORD', 'RTSTRUCT', 'SEG', 'SM', 'SMR', 'SR', 'SRF', 'TG', 'US', 'VA', 'XA', 'XC'] as const;
export type ModalityValue = (typeof MODALITY_VALUES)[number];
