// Names for the generated response types (no hand-written request or response shapes).
import type { paths } from './schema'

type Json<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  paths[P][M] extends { responses: infer R }
    ? R extends Record<S, { content: { 'application/json': infer B } }> ? B : never
    : never

export type Programme = Json<'/api/v1/programmes/{programme_id}', 'get'>
export type ProgrammeSection = Programme['sections'][number]
export type ProgrammeField = ProgrammeSection['fields'][number]
export type AttachmentRule = Programme['attachments'][number]
export type Application = Json<'/api/v1/applications/{application_id}', 'get'>
export type ApplicationSummary = Json<'/api/v1/applications', 'get'>['applications'][number]
export type Attachment = Application['attachments'][number]
export type Completeness = Json<'/api/v1/applications/{application_id}/completeness', 'get'>
export type SavedSection = Json<'/api/v1/applications/{application_id}/sections/{section_id}', 'put'>
export type Me = Json<'/api/v1/me', 'get'>
export type Task = Json<'/api/v1/tasks/{task_id}', 'get'>
export type InboxMessage = Json<'/api/v1/inbox', 'get'>['messages'][number]
export type HistoryEntry = Json<'/api/v1/applications/{application_id}/history', 'get'>['entries'][number]
export type ReviewHistory = Json<'/api/v1/review/applications/{application_id}/history', 'get'>
export type Assessment = Json<'/api/v1/applications/{application_id}/assessment', 'get'>
export type ReserveEntry = Json<'/api/v1/reserve', 'get'>['entries'][number]
export type OperatingReport = Json<'/api/v1/programmes/{programme_id}/operating-reports', 'get'>['reports'][number]
export type LateFilers = Json<'/api/v1/programmes/{programme_id}/operating-reports/late-filers', 'get'>
export type OperatingStatistics = Json<'/api/v1/programmes/{programme_id}/operating-statistics', 'get'>
export type Recognition = Json<'/api/v1/recognitions', 'get'>['recognitions'][number]
export type TypicalCase = Json<'/api/v1/typical-cases', 'get'>['cases'][number]
export type WhitelistBatch = Json<'/api/v1/whitelist', 'post'>
