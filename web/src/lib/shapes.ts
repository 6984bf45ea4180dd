// Shapes the pure logic uses, taken from the generated API types.
export type { ProgrammeField, ProgrammeSection, AttachmentRule, Programme } from '../api/types'
export type { Violation } from '../api/client'
