// The application form as the programme defines it: values ⇄ the JSON a section saves,
// the live completeness of a section, and where each server problem belongs on the page.
import type { ProgrammeField, ProgrammeSection, Violation } from './shapes'

export type FieldValue = string | boolean | null
export type SectionValues = Record<string, FieldValue>

/** The id of a field's input on the page (also the error summary's link target). */
export function fieldDomId(sectionId: string, fieldId: string): string {
  return `f-${sectionId}-${fieldId}`
}

/** The form's values of a section from its saved JSON data (numbers shown as typed text). */
export function valuesFromData(section: ProgrammeSection, data: Record<string, unknown> | null | undefined): SectionValues {
  const values: SectionValues = {}
  for (const field of section.fields) {
    const raw = data?.[field.id]
    if (raw === undefined || raw === null) values[field.id] = field.type === 'boolean' ? null : ''
    else if (field.type === 'boolean') values[field.id] = Boolean(raw)
    else values[field.id] = String(raw)
  }
  return values
}

function numberOrText(text: string, integer: boolean): number | string {
  const trimmed = text.trim().replace(/,/g, '')
  const pattern = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/
  if (!pattern.test(trimmed)) return text // the server says at the field what it accepts
  return integer ? parseInt(trimmed, 10) : Number(trimmed)
}

/** The JSON a section saves: empty fields left out, numbers as numbers (anything else as typed). */
export type SectionData = Record<string, string | number | boolean>

export function dataFromValues(section: ProgrammeSection, values: SectionValues): SectionData {
  const data: Record<string, string | number | boolean | undefined> = {}
  for (const field of section.fields) {
    const value = values[field.id]
    if (value === null || value === undefined || value === '') continue
    if (field.type === 'boolean') data[field.id] = value
    else if (field.type === 'integer') data[field.id] = numberOrText(String(value), true)
    else if (field.type === 'decimal') data[field.id] = numberOrText(String(value), false)
    else data[field.id] = String(value).trim() === '' ? undefined : value
    if (data[field.id] === undefined) delete data[field.id]
  }
  return data as SectionData
}

export function isFilled(field: ProgrammeField, value: FieldValue | undefined): boolean {
  if (field.type === 'boolean') return value === true || value === false
  return value !== null && value !== undefined && String(value).trim() !== ''
}

export interface SectionProgress { required: number; filled: number; missing: ProgrammeField[] }

/** Live completeness of one section: how many of its required fields hold a value. */
export function sectionProgress(section: ProgrammeSection, values: SectionValues): SectionProgress {
  const required = section.fields.filter((f) => f.required)
  const missing = required.filter((f) => !isFilled(f, values[f.id]))
  return { required: required.length, filled: required.length - missing.length, missing }
}

/** Overall live completeness (percentage of required fields filled, over every section). */
export function overallProgress(sections: ProgrammeSection[], values: Record<string, SectionValues>): number {
  let required = 0
  let filled = 0
  for (const section of sections) {
    const p = sectionProgress(section, values[section.id] ?? {})
    required += p.required
    filled += p.filled
  }
  return required === 0 ? 100 : Math.round((filled / required) * 100)
}

/** The field a server problem names: "sections.basic.contact_phone" → "basic.contact_phone". */
export function problemKey(field: string): string {
  return field.startsWith('sections.') ? field.slice('sections.'.length) : field
}

export interface PlacedProblem { key: string; message: string; href: string }

/**
 * Server problems placed on the page: each one's key ("basic.employees", "attachments.photos",
 * "pledge", "gates.cloud_platform"...) and the id of the element the error summary links to.
 */
export function placeProblems(violations: Violation[], gateFields: Record<string, string> = {}): PlacedProblem[] {
  return violations.map((v) => {
    let key = problemKey(v.field)
    if (key.startsWith('gates.') && gateFields[key.slice('gates.'.length)]) {
      key = gateFields[key.slice('gates.'.length)] // a gate's problem shown at the field it reads
    }
    const parts = key.split('.')
    let href = ''
    if (parts[0] === 'attachments' && parts[1]) href = `#a-${parts[1]}`
    else if (parts[0] === 'pledge') href = '#pledge'
    else if (parts.length === 2) href = `#${fieldDomId(parts[0], parts[1])}`
    else if (parts.length === 1 && parts[0]) href = `#s-${parts[0]}`
    return { key, message: v.message, href }
  })
}

/** Problems by key, for showing each one at its field. */
export function problemsByKey(placed: PlacedProblem[]): Record<string, string> {
  const byKey: Record<string, string> = {}
  for (const p of placed) if (!byKey[p.key]) byKey[p.key] = p.message
  return byKey
}

/** Human-readable size. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} KB`
  return `${n} 字节`
}

const MEDIA_NAMES: Record<string, string> = {
  'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
}
export function mediaNames(types: string[]): string {
  return types.map((t) => MEDIA_NAMES[t] ?? t).join('、')
}
