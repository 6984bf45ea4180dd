import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick, reactive } from 'vue'
import SectionForm from './SectionForm.vue'
import ErrorSummary from './ErrorSummary.vue'
import type { ProgrammeSection } from '../api/types'
import { valuesFromData } from '../lib/form'

const field = (id: string, label: string, type: string, extra: Record<string, unknown> = {}) => ({
  id, label, type, required: false, min: '', max: '', min_length: 0, max_length: 0, pattern: '', options: [], unit: '', help: '', ...extra,
})
// the shape GET /api/v1/programmes/{id} returns (the Hunan 2020 innovation section, abridged)
const section = {
  id: 'innovation', title: '创新能力',
  fields: [
    field('rnd_expense_2019', '2019年研发投入', 'decimal', { required: true, min: '0', unit: '万元' }),
    field('rnd_institution', '最高级别研发机构', 'enum', { required: true, options: [
      { value: 'national', label: '国家级' }, { value: 'provincial', label: '省级' }, { value: 'none', label: '无' }] }),
    field('industry', '所属行业', 'enum', { help: '按《国民经济行业分类》大类填写', options: Array.from({ length: 8 }, (_, i) => ({ value: `C${i}`, label: `行业${i}` })) }),
    field('high_tech_enterprise', '是否高新技术企业', 'boolean', { required: true }),
    field('note', '情况说明', 'text', { max_length: 2000 }),
  ],
} as unknown as ProgrammeSection

describe('SectionForm renders the programme definition', () => {
  it('shows each label with its unit, required mark, help text and choices', async () => {
    const values = reactive(valuesFromData(section, {}))
    const wrapper = mount(SectionForm, { props: { section, values, errors: {} } })
    await flushPromises()
    const label = wrapper.find('label[for="f-innovation-rnd_expense_2019"]')
    expect(label.text()).toContain('2019年研发投入')
    expect(label.text()).toContain('（万元）')
    expect(label.find('.req').exists()).toBe(true)
    expect(wrapper.find('#f-innovation-rnd_expense_2019-hint').text()).toContain('不小于0万元')
    expect(wrapper.find('#f-innovation-industry-hint').text()).toContain('国民经济行业分类')
    expect(wrapper.find('label[for="f-innovation-note"] .req').exists()).toBe(false)
    // few choices as radios (every one visible), yes/no as 是/否
    const institution = wrapper.find('#f-innovation-rnd_institution')
    expect(institution.element.tagName).toBe('FIELDSET')
    expect(institution.text()).toContain('国家级')
    expect(institution.text()).toContain('无')
    expect(wrapper.find('#f-innovation-high_tech_enterprise').text()).toMatch(/是[\s\S]*否/)
    // many choices as a select; the text field as a textarea
    expect(wrapper.find('#f-innovation-industry').exists()).toBe(true)
    expect(wrapper.find('textarea#f-innovation-note').exists()).toBe(true)
  })

  it('shows a problem at its field and marks the input invalid', async () => {
    const values = reactive(valuesFromData(section, {}))
    const wrapper = mount(SectionForm, { props: { section, values, errors: { 'innovation.rnd_expense_2019': '“2019年研发投入”应为数字（单位：万元）' } } })
    await flushPromises()
    const box = wrapper.find('[data-field="innovation.rnd_expense_2019"]')
    expect(box.classes()).toContain('has-error')
    expect(box.find('.error').text()).toContain('应为数字')
    expect(wrapper.find('input#f-innovation-rnd_expense_2019').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('[data-field="innovation.rnd_institution"]').classes()).not.toContain('has-error')
  })

  it('writes what is typed into the section values and says so', async () => {
    const values = reactive(valuesFromData(section, {}))
    const wrapper = mount(SectionForm, { props: { section, values, errors: {} } })
    await flushPromises()
    await wrapper.find('input#f-innovation-rnd_expense_2019').setValue('900')
    expect(values.rnd_expense_2019).toBe('900')
    expect(wrapper.emitted('change')).toBeTruthy()
  })
})

describe('ErrorSummary', () => {
  it('lists every problem as a link to its field, and nothing when there is none', async () => {
    const wrapper = mount(ErrorSummary, { props: { problems: [] as { message: string; href: string }[] } })
    expect(wrapper.find('[data-testid="error-summary"]').exists()).toBe(false)
    await wrapper.setProps({ problems: [{ message: '请填写“法定代表人”', href: '#f-basic-legal_representative' }, { message: '窗口已关闭', href: '' }] })
    await nextTick()
    const links = wrapper.findAll('a')
    expect(links).toHaveLength(1)
    expect(links[0].attributes('href')).toBe('#f-basic-legal_representative')
    expect(wrapper.text()).toContain('窗口已关闭')
    expect(wrapper.find('[role="alert"]').exists()).toBe(true)
  })
})

describe('AssessmentPanel shows the self-assessment', () => {
  it('shows the total against the pass line, each indicator and what would raise it', async () => {
    const { default: AssessmentPanel } = await import('./AssessmentPanel.vue')
    const assessment = {
      programme_id: 'hunan-2022-specialised-sme', application_id: '', rubric_title: '专精特新中小企业评价指标',
      source: '工信部企业〔2022〕63号 附件2', rules_id: 'miit-2022-specialised-sme', total: 52, max_total: 100,
      pass_line: 60, score_passed: false, passed: false, summary: '自评得分52分，距60分还差8分',
      groups: [{ id: 'innovation', title: '创新能力', points: 12, max_points: 35, min_points: 0 }],
      indicators: [
        { id: 'rnd_expense', title: '上年度研发费用投入', group: 'innovation', points: 4, max_points: 10,
          value: '2021年研发费用总额 260万元', missing: [], hints: ['2021年研发费用总额达到300万元以上可得6分'] },
        { id: 'quality_management', title: '质量管理水平', group: 'refinement', points: 5, max_points: 5,
          value: '质量管理水平满足项数 2项', missing: [], hints: [] },
      ],
      routes: [{ id: 'maker_china', title: '近三年进入“创客中国”大赛全国500强企业组', met: false }],
    }
    const wrapper = mount(AssessmentPanel, { props: { assessment, live: true } })
    expect(wrapper.find('[data-testid="assessment-total"]').text()).toBe('52')
    expect(wrapper.find('[data-testid="assessment-summary"]').text()).toContain('距60分还差8分')
    expect(wrapper.find('[data-testid="indicator-rnd_expense"]').text()).toContain('达到300万元以上可得6分')
    expect(wrapper.find('[data-testid="indicator-quality_management"]').text()).toContain('已得满分')
    expect(wrapper.text()).toContain('未满足：近三年进入')
  })
})
