import { describe, expect, it } from 'vitest'
import { dataFromValues, overallProgress, placeProblems, problemsByKey, sectionProgress, valuesFromData } from './form'
import { checkFile, sniff } from './files'
import type { ProgrammeSection } from './shapes'

const field = (id: string, type: string, required = true, extra: Record<string, unknown> = {}) => ({
  id, label: id, type, required, min: '', max: '', min_length: 0, max_length: 0, pattern: '', options: [], unit: '', help: '', ...extra,
})
const section: ProgrammeSection = {
  id: 'basic', title: '企业基础信息',
  fields: [field('name', 'string'), field('capital', 'decimal'), field('staff', 'integer'), field('cloud', 'boolean'),
    field('note', 'text', false), field('kind', 'enum', true, { options: [{ value: 'a', label: 'A' }] })],
} as ProgrammeSection

describe('section values and data', () => {
  it('turns saved data into form values and back, numbers as numbers, empty fields left out', () => {
    const values = valuesFromData(section, { name: '张三', capital: 5000.5, staff: 12, cloud: false })
    expect(values).toEqual({ name: '张三', capital: '5000.5', staff: '12', cloud: false, note: '', kind: '' })
    expect(dataFromValues(section, values)).toEqual({ name: '张三', capital: 5000.5, staff: 12, cloud: false })
  })
  it('keeps text that is not a number as typed, so the server names the problem at the field', () => {
    const data = dataFromValues(section, { name: 'x', capital: '五千', staff: '1.5', cloud: null, note: '', kind: 'a' })
    expect(data).toEqual({ name: 'x', capital: '五千', staff: '1.5', kind: 'a' })
  })
})

describe('live completeness', () => {
  it('counts required fields filled; false is an answer, an unanswered yes/no is not', () => {
    const empty = valuesFromData(section, {})
    expect(sectionProgress(section, empty)).toMatchObject({ required: 5, filled: 0 })
    const some = { ...empty, name: '张三', cloud: false }
    expect(sectionProgress(section, some).filled).toBe(2)
    expect(sectionProgress(section, some).missing.map((f) => f.id)).toEqual(['capital', 'staff', 'kind'])
    expect(overallProgress([section], { basic: some })).toBe(40)
  })
})

describe('server problems placed at their fields', () => {
  it('links section fields, attachments, the pledge and gates to their elements', () => {
    const placed = placeProblems([
      { field: 'sections.basic.capital', code: 'type', message: '“注册资本”应为数字' },
      { field: 'attachments.photos', code: 'attachment_missing', message: '“照片”至少需上传1个文件' },
      { field: 'pledge', code: 'pledge_missing', message: '尚未签署' },
      { field: 'gates.cloud_platform', code: 'gate', message: '必须是“上云上平台”企业' },
      { field: 'sections.economic', code: 'section_missing', message: '栏目“经济效益”尚未填写' },
    ], { cloud_platform: 'other.cloud_platform' })
    expect(placed.map((p) => p.href)).toEqual(['#f-basic-capital', '#a-photos', '#pledge', '#f-other-cloud_platform', '#s-economic'])
    expect(problemsByKey(placed)['other.cloud_platform']).toBe('必须是“上云上平台”企业')
  })
})

describe('files checked before upload', () => {
  const rule = { title: '发展报告', media_types: ['application/pdf'], max_bytes: 1024 }
  const pdf = new TextEncoder().encode('%PDF-1.4\n')
  const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00])
  it('recognises content by its first bytes', () => {
    expect(sniff(pdf)).toBe('application/pdf')
    expect(sniff(exe)).toBe('')
  })
  it('refuses an executable renamed .pdf, a wrong type and an oversize file, saying what is accepted', () => {
    expect(checkFile('报告.pdf', 100, exe, rule)).toMatchObject({ ok: false })
    expect(checkFile('报告.pdf', 100, exe, rule).message).toContain('扩展名与内容不符')
    expect(checkFile('报告.docx', 100, pdf, rule).message).toContain('只接受 PDF')
    expect(checkFile('报告.pdf', 4096, pdf, rule).message).toContain('超过“发展报告”的上限 1 KB')
    expect(checkFile('报告.pdf', 100, pdf, rule)).toEqual({ ok: true, mediaType: 'application/pdf', message: '' })
  })
})
