// Checks made on a chosen file before a byte is uploaded: the programme's size limit and
// media types, and the file's first bytes (an executable renamed .pdf is not a PDF).
import type { AttachmentRule } from './shapes'
import { formatBytes, mediaNames } from './form'

const EXTENSIONS: Record<string, string> = {
  pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** The media type a file's first bytes show, or '' when none of the known ones. */
export function sniff(head: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b)
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf' // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  return ''
}

export function typeByName(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? ''
  return EXTENSIONS[ext] ?? ''
}

export interface FileCheck { ok: boolean; mediaType: string; message: string }

/** Whether `file` may be uploaded under `rule`; the refusal says what was wrong and what is accepted. */
export function checkFile(name: string, size: number, head: Uint8Array, rule: Pick<AttachmentRule, 'media_types' | 'max_bytes' | 'title'>): FileCheck {
  const accepted = mediaNames(rule.media_types)
  const byName = typeByName(name)
  const byContent = sniff(head)
  if (size === 0) return { ok: false, mediaType: '', message: `文件“${name}”是空文件，请选择有内容的文件` }
  if (!byName || !rule.media_types.includes(byName)) {
    return { ok: false, mediaType: '', message: `“${rule.title}”只接受 ${accepted} 文件，“${name}”不是` }
  }
  if (byContent !== byName) {
    return { ok: false, mediaType: '', message: `文件“${name}”的内容不是 ${mediaNames([byName])}（扩展名与内容不符），请上传真实的 ${accepted} 文件` }
  }
  if (rule.max_bytes > 0 && size > rule.max_bytes) {
    return { ok: false, mediaType: byName, message: `文件“${name}”大小为 ${formatBytes(size)}，超过“${rule.title}”的上限 ${formatBytes(rule.max_bytes)}` }
  }
  return { ok: true, mediaType: byName, message: '' }
}
