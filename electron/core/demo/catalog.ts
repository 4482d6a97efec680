/**
 * What the demo studies are made of: hematology indications, sponsors, CROs, hospitals, names. Invented trials built from
 * realistic parts; drug codes are random, people's names are random combinations of common surnames and given names.
 */
import type { TherapeuticArea } from '../../api/contract';

export interface Bilingual {
  zh: string;
  en: string;
}

/** A phase III design: what the study drug is combined with, and what it is compared against. */
export interface Arm {
  with: Bilingual;
  versus: Bilingual;
}

export interface Indication {
  area: TherapeuticArea;
  name: Bilingual;
  abbr: string;
  /** mechanisms of investigational drugs for this indication */
  mechanisms: readonly Bilingual[];
  arms: readonly Arm[];
}

const b = (zh: string, en: string): Bilingual => ({ zh, en });
const arm = (withZh: string, withEn: string, vsZh: string, vsEn: string): Arm => ({
  with: b(withZh, withEn),
  versus: b(vsZh, vsEn),
});

export const INDICATIONS: readonly Indication[] = [
  {
    area: 'myeloma',
    name: b('复发/难治性多发性骨髓瘤', 'Relapsed/Refractory Multiple Myeloma'),
    abbr: 'RRMM',
    mechanisms: [
      b('BCMA×CD3双特异性抗体', 'BCMA×CD3 bispecific antibody'),
      b('GPRC5D×CD3双特异性抗体', 'GPRC5D×CD3 bispecific antibody'),
      b('新型CELMoD', 'novel CELMoD agent'),
      b('BCMA CAR-T细胞', 'BCMA-directed CAR-T cell therapy'),
    ],
    arms: [
      arm('联合地塞米松', ' plus dexamethasone', '泊马度胺联合地塞米松', 'pomalidomide and dexamethasone'),
      arm(
        '联合硼替佐米和地塞米松',
        ' plus bortezomib and dexamethasone',
        '达雷妥尤单抗联合硼替佐米和地塞米松',
        'daratumumab, bortezomib and dexamethasone',
      ),
    ],
  },
  {
    area: 'myeloma',
    name: b('不适合移植的新诊断多发性骨髓瘤', 'Transplant-ineligible Newly Diagnosed Multiple Myeloma'),
    abbr: 'TIE-NDMM',
    mechanisms: [b('CD38单克隆抗体', 'anti-CD38 monoclonal antibody'), b('新型CELMoD', 'novel CELMoD agent')],
    arms: [
      arm(
        '联合来那度胺和地塞米松',
        ' plus lenalidomide and dexamethasone',
        '来那度胺联合地塞米松',
        'lenalidomide and dexamethasone',
      ),
    ],
  },
  {
    area: 'lymphoma',
    name: b('复发/难治性弥漫大B细胞淋巴瘤', 'Relapsed/Refractory Diffuse Large B-cell Lymphoma'),
    abbr: 'R/R DLBCL',
    mechanisms: [
      b('CD20×CD3双特异性抗体', 'CD20×CD3 bispecific antibody'),
      b('CD19 CAR-T细胞', 'CD19-directed CAR-T cell therapy'),
      b('抗CD79b抗体偶联药物', 'anti-CD79b antibody-drug conjugate'),
    ],
    arms: [
      arm(
        '联合吉西他滨和奥沙利铂',
        ' plus gemcitabine and oxaliplatin',
        '利妥昔单抗联合吉西他滨和奥沙利铂（R-GemOx）',
        'rituximab plus gemcitabine and oxaliplatin (R-GemOx)',
      ),
    ],
  },
  {
    area: 'lymphoma',
    name: b('初治弥漫大B细胞淋巴瘤', 'Previously Untreated Diffuse Large B-cell Lymphoma'),
    abbr: '1L DLBCL',
    mechanisms: [b('抗CD79b抗体偶联药物', 'anti-CD79b antibody-drug conjugate')],
    arms: [arm('联合R-CHP', ' plus R-CHP', 'R-CHOP', 'R-CHOP')],
  },
  {
    area: 'lymphoma',
    name: b('复发/难治性套细胞淋巴瘤', 'Relapsed/Refractory Mantle Cell Lymphoma'),
    abbr: 'R/R MCL',
    mechanisms: [
      b('BTK抑制剂', 'BTK inhibitor'),
      b('非共价BTK抑制剂', 'non-covalent BTK inhibitor'),
      b('BCL-2抑制剂', 'BCL-2 inhibitor'),
    ],
    arms: [arm('', '', '研究者选择的治疗', "investigator's choice of therapy")],
  },
  {
    area: 'lymphoma',
    name: b(
      '初治慢性淋巴细胞白血病/小淋巴细胞淋巴瘤',
      'Treatment-naive Chronic Lymphocytic Leukemia/Small Lymphocytic Lymphoma',
    ),
    abbr: 'TN CLL/SLL',
    mechanisms: [b('BTK抑制剂', 'BTK inhibitor'), b('BCL-2抑制剂', 'BCL-2 inhibitor')],
    arms: [arm('联合奥妥珠单抗', ' plus obinutuzumab', '苯达莫司汀联合利妥昔单抗', 'bendamustine plus rituximab')],
  },
  {
    area: 'lymphoma',
    name: b('复发/难治性滤泡性淋巴瘤', 'Relapsed/Refractory Follicular Lymphoma'),
    abbr: 'R/R FL',
    mechanisms: [
      b('EZH2抑制剂', 'EZH2 inhibitor'),
      b('PI3Kδ抑制剂', 'PI3Kδ inhibitor'),
      b('CD20×CD3双特异性抗体', 'CD20×CD3 bispecific antibody'),
    ],
    arms: [arm('联合利妥昔单抗', ' plus rituximab', '利妥昔单抗联合来那度胺', 'rituximab plus lenalidomide')],
  },
  {
    area: 'lymphoma',
    name: b('复发/难治性外周T细胞淋巴瘤', 'Relapsed/Refractory Peripheral T-cell Lymphoma'),
    abbr: 'R/R PTCL',
    mechanisms: [b('HDAC抑制剂', 'HDAC inhibitor'), b('JAK1抑制剂', 'JAK1 inhibitor')],
    arms: [arm('', '', '研究者选择的单药化疗', "investigator's choice of single-agent chemotherapy")],
  },
  {
    area: 'leukemia_mds',
    name: b(
      '不适合强化化疗的新诊断急性髓系白血病',
      'Newly Diagnosed Acute Myeloid Leukemia Ineligible for Intensive Chemotherapy',
    ),
    abbr: 'ND AML',
    mechanisms: [
      b('BCL-2抑制剂', 'BCL-2 inhibitor'),
      b('Menin抑制剂', 'menin inhibitor'),
      b('CD47单克隆抗体', 'anti-CD47 monoclonal antibody'),
    ],
    arms: [arm('联合阿扎胞苷', ' plus azacitidine', '安慰剂联合阿扎胞苷', 'placebo plus azacitidine')],
  },
  {
    area: 'leukemia_mds',
    name: b('复发/难治性FLT3突变急性髓系白血病', 'Relapsed/Refractory FLT3-mutated Acute Myeloid Leukemia'),
    abbr: 'R/R FLT3m AML',
    mechanisms: [b('FLT3抑制剂', 'FLT3 inhibitor')],
    arms: [arm('', '', '挽救化疗', 'salvage chemotherapy')],
  },
  {
    area: 'leukemia_mds',
    name: b(
      '新诊断费城染色体阳性急性淋巴细胞白血病',
      'Newly Diagnosed Philadelphia Chromosome-positive Acute Lymphoblastic Leukemia',
    ),
    abbr: 'Ph+ ALL',
    mechanisms: [
      b('第三代BCR-ABL抑制剂', 'third-generation BCR-ABL inhibitor'),
      b('CD19×CD3双特异性抗体', 'CD19×CD3 bispecific antibody'),
    ],
    arms: [arm('联合化疗', ' plus chemotherapy', '伊马替尼联合化疗', 'imatinib plus chemotherapy')],
  },
  {
    area: 'leukemia_mds',
    name: b('慢性期慢性髓性白血病', 'Chronic Myeloid Leukemia in Chronic Phase'),
    abbr: 'CML-CP',
    mechanisms: [b('变构BCR-ABL1抑制剂', 'allosteric BCR-ABL1 inhibitor')],
    arms: [arm('', '', '研究者选择的酪氨酸激酶抑制剂', 'investigator-selected tyrosine kinase inhibitor')],
  },
  {
    area: 'leukemia_mds',
    name: b('较高危骨髓增生异常综合征', 'Higher-risk Myelodysplastic Syndromes'),
    abbr: 'HR-MDS',
    mechanisms: [b('TIM-3单克隆抗体', 'anti-TIM-3 monoclonal antibody'), b('BCL-2抑制剂', 'BCL-2 inhibitor')],
    arms: [arm('联合阿扎胞苷', ' plus azacitidine', '阿扎胞苷', 'azacitidine')],
  },
  {
    area: 'leukemia_mds',
    name: b('较低危骨髓增生异常综合征相关贫血', 'Anemia due to Lower-risk Myelodysplastic Syndromes'),
    abbr: 'LR-MDS',
    mechanisms: [b('红细胞成熟剂', 'erythroid maturation agent'), b('端粒酶抑制剂', 'telomerase inhibitor')],
    arms: [arm('', '', '促红细胞生成素', 'epoetin alfa')],
  },
  {
    area: 'itp_bleeding',
    name: b('持续性或慢性原发免疫性血小板减少症', 'Persistent or Chronic Primary Immune Thrombocytopenia'),
    abbr: 'ITP',
    mechanisms: [
      b('口服TPO受体激动剂', 'oral thrombopoietin receptor agonist'),
      b('BTK抑制剂', 'BTK inhibitor'),
      b('FcRn拮抗剂', 'FcRn antagonist'),
      b('SYK抑制剂', 'SYK inhibitor'),
    ],
    arms: [arm('', '', '安慰剂', 'placebo')],
  },
  {
    area: 'itp_bleeding',
    name: b('新诊断原发免疫性血小板减少症', 'Newly Diagnosed Primary Immune Thrombocytopenia'),
    abbr: 'ND ITP',
    mechanisms: [b('口服TPO受体激动剂', 'oral thrombopoietin receptor agonist')],
    arms: [arm('联合地塞米松', ' plus dexamethasone', '地塞米松', 'dexamethasone')],
  },
  {
    area: 'itp_bleeding',
    name: b('伴或不伴抑制物的重型血友病A', 'Severe Hemophilia A with or without Inhibitors'),
    abbr: 'HA',
    mechanisms: [
      b('FVIII模拟双特异性抗体', 'FVIII-mimetic bispecific antibody'),
      b('抗TFPI单克隆抗体', 'anti-TFPI monoclonal antibody'),
      b('长效重组人凝血因子VIII', 'extended half-life recombinant factor VIII'),
    ],
    arms: [arm('预防治疗', ' prophylaxis', '按需治疗', 'on-demand treatment')],
  },
  {
    area: 'itp_bleeding',
    name: b('中重度血友病B', 'Moderately Severe to Severe Hemophilia B'),
    abbr: 'HB',
    mechanisms: [
      b('AAV基因治疗', 'AAV gene therapy'),
      b('长效重组人凝血因子IX', 'extended half-life recombinant factor IX'),
    ],
    arms: [arm('预防治疗', ' prophylaxis', '按需治疗', 'on-demand treatment')],
  },
  {
    area: 'itp_bleeding',
    name: b('获得性血栓性血小板减少性紫癜', 'Acquired Thrombotic Thrombocytopenic Purpura'),
    abbr: 'aTTP',
    mechanisms: [b('抗vWF纳米抗体', 'anti-vWF nanobody')],
    arms: [
      arm(
        '联合血浆置换和免疫抑制治疗',
        ' plus plasma exchange and immunosuppression',
        '安慰剂联合血浆置换和免疫抑制治疗',
        'placebo plus plasma exchange and immunosuppression',
      ),
    ],
  },
  {
    area: 'other',
    name: b('重型再生障碍性贫血', 'Severe Aplastic Anemia'),
    abbr: 'SAA',
    mechanisms: [b('TPO受体激动剂', 'thrombopoietin receptor agonist')],
    arms: [
      arm(
        '联合标准免疫抑制治疗',
        ' plus standard immunosuppressive therapy',
        '标准免疫抑制治疗',
        'standard immunosuppressive therapy',
      ),
    ],
  },
  {
    area: 'other',
    name: b('阵发性睡眠性血红蛋白尿症', 'Paroxysmal Nocturnal Hemoglobinuria'),
    abbr: 'PNH',
    mechanisms: [b('补体C5抑制剂', 'complement C5 inhibitor'), b('补体B因子抑制剂', 'complement factor B inhibitor')],
    arms: [arm('', '', '依库珠单抗', 'eculizumab')],
  },
  {
    area: 'other',
    name: b('中危或高危骨髓纤维化', 'Intermediate- or High-risk Myelofibrosis'),
    abbr: 'MF',
    mechanisms: [b('JAK1/2抑制剂', 'JAK1/2 inhibitor'), b('BET抑制剂', 'BET inhibitor')],
    arms: [arm('联合芦可替尼', ' plus ruxolitinib', '安慰剂联合芦可替尼', 'placebo plus ruxolitinib')],
  },
  {
    area: 'other',
    name: b('激素耐药的急性移植物抗宿主病', 'Steroid-refractory Acute Graft-versus-Host Disease'),
    abbr: 'SR-aGVHD',
    mechanisms: [b('JAK1抑制剂', 'JAK1 inhibitor')],
    arms: [arm('', '', '研究者选择的最佳可用治疗', "investigator's choice of best available therapy")],
  },
];

/** Marketed drugs for bioequivalence (generic) and phase IV studies, with the indication abbreviation they serve. */
export const MARKETED: readonly { name: Bilingual; form: Bilingual; indication: string }[] = [
  { name: b('来那度胺', 'Lenalidomide'), form: b('胶囊', 'Capsules'), indication: 'RRMM' },
  { name: b('泊马度胺', 'Pomalidomide'), form: b('胶囊', 'Capsules'), indication: 'RRMM' },
  { name: b('伊布替尼', 'Ibrutinib'), form: b('胶囊', 'Capsules'), indication: 'TN CLL/SLL' },
  { name: b('达沙替尼', 'Dasatinib'), form: b('片', 'Tablets'), indication: 'CML-CP' },
  { name: b('艾曲泊帕乙醇胺', 'Eltrombopag Olamine'), form: b('片', 'Tablets'), indication: 'ITP' },
  { name: b('芦可替尼', 'Ruxolitinib'), form: b('片', 'Tablets'), indication: 'MF' },
  { name: b('维奈克拉', 'Venetoclax'), form: b('片', 'Tablets'), indication: 'ND AML' },
];

export type ProtocolStyle = 'hr' | 'bgb' | 'ibi' | 'cn' | 'novartis' | 'roche' | 'janssen' | 'abbvie' | 'takeda';

export interface Sponsor {
  name: string;
  /** language of the sponsor's protocol titles */
  lang: 'zh' | 'en';
  /** template of the sponsor's drug codes: '#' a digit, '@' a capital letter */
  drugCode: string;
  style: ProtocolStyle;
  registry: 'CTR' | 'NCT';
  /** CROs the sponsor works with here; null: the sponsor runs its trials itself */
  cros: readonly (string | null)[];
  weight: number;
  /** makes generics (bioequivalence studies) */
  generics?: boolean;
}

export const TIGERMED = '泰格医药';

export const SPONSORS: readonly Sponsor[] = [
  {
    name: '恒瑞医药',
    lang: 'zh',
    drugCode: 'SHR-####',
    style: 'hr',
    registry: 'CTR',
    cros: [TIGERMED, TIGERMED, null],
    weight: 10,
    generics: true,
  },
  {
    name: '百济神州',
    lang: 'zh',
    drugCode: 'BGB-1####',
    style: 'bgb',
    registry: 'CTR',
    cros: [null, TIGERMED],
    weight: 9,
  },
  {
    name: '信达生物',
    lang: 'zh',
    drugCode: 'IBI3##',
    style: 'ibi',
    registry: 'CTR',
    cros: [TIGERMED, '昆翎医药'],
    weight: 7,
  },
  {
    name: '正大天晴',
    lang: 'zh',
    drugCode: 'TQB3###',
    style: 'cn',
    registry: 'CTR',
    cros: [TIGERMED, '方恩医药'],
    weight: 6,
    generics: true,
  },
  {
    name: '石药集团',
    lang: 'zh',
    drugCode: 'SYHX2###',
    style: 'cn',
    registry: 'CTR',
    cros: [TIGERMED],
    weight: 4,
    generics: true,
  },
  {
    name: '亚盛医药',
    lang: 'zh',
    drugCode: 'APG-2###',
    style: 'cn',
    registry: 'CTR',
    cros: [TIGERMED, null],
    weight: 4,
  },
  {
    name: '诺诚健华',
    lang: 'zh',
    drugCode: 'ICP-###',
    style: 'cn',
    registry: 'CTR',
    cros: ['昆翎医药', TIGERMED],
    weight: 4,
  },
  { name: '和黄医药', lang: 'zh', drugCode: 'HMPL-###', style: 'cn', registry: 'CTR', cros: [TIGERMED], weight: 3 },
  { name: '科济药业', lang: 'zh', drugCode: 'CT0##', style: 'cn', registry: 'CTR', cros: [TIGERMED], weight: 2 },
  {
    name: 'Novartis',
    lang: 'en',
    drugCode: '@@@0##',
    style: 'novartis',
    registry: 'NCT',
    cros: ['IQVIA', null],
    weight: 6,
  },
  {
    name: 'Roche',
    lang: 'en',
    drugCode: 'RO7######',
    style: 'roche',
    registry: 'NCT',
    cros: ['IQVIA', '精鼎医药'],
    weight: 5,
  },
  {
    name: 'Janssen',
    lang: 'en',
    drugCode: 'JNJ-########',
    style: 'janssen',
    registry: 'NCT',
    cros: ['IQVIA', null],
    weight: 4,
  },
  {
    name: 'AbbVie',
    lang: 'en',
    drugCode: 'ABBV-###',
    style: 'abbvie',
    registry: 'NCT',
    cros: ['精鼎医药', 'IQVIA'],
    weight: 3,
  },
  {
    name: 'Takeda',
    lang: 'en',
    drugCode: 'TAK-###',
    style: 'takeda',
    registry: 'NCT',
    cros: ['IQVIA', TIGERMED],
    weight: 2,
  },
];

/** Four-letter codes for Hengrui-style protocol numbers (HR-BLTN-III-01). */
export const HR_TAGS = ['BLTN', 'FMTN', 'RZTN', 'XPTN', 'HTMB', 'AMTN', 'DLTB', 'QTNB', 'SGTN', 'ZLTN', 'KMTB', 'WTNB'];

export interface Hospital {
  name: string;
  city: string;
}

/** Our own department's hospital: the own center of every study. */
export const OWN_HOSPITAL: Hospital = { name: '北京大学人民医院', city: '北京' };

/** Other centers, with a weight: Beijing, Shanghai, Tianjin and Guangzhou hospitals join most trials. */
export const HOSPITALS: readonly (Hospital & { weight: number })[] = [
  { name: '北京协和医院', city: '北京', weight: 5 },
  { name: '中国人民解放军总医院', city: '北京', weight: 3 },
  { name: '北京大学第一医院', city: '北京', weight: 3 },
  { name: '首都医科大学附属北京朝阳医院', city: '北京', weight: 3 },
  { name: '北京大学第三医院', city: '北京', weight: 2 },
  { name: '中国医学科学院血液病医院', city: '天津', weight: 6 },
  { name: '天津医科大学总医院', city: '天津', weight: 3 },
  { name: '上海交通大学医学院附属瑞金医院', city: '上海', weight: 6 },
  { name: '复旦大学附属华山医院', city: '上海', weight: 3 },
  { name: '复旦大学附属中山医院', city: '上海', weight: 3 },
  { name: '上海市第一人民医院', city: '上海', weight: 2 },
  { name: '上海交通大学医学院附属仁济医院', city: '上海', weight: 2 },
  { name: '中山大学附属第一医院', city: '广州', weight: 4 },
  { name: '南方医科大学南方医院', city: '广州', weight: 4 },
  { name: '广东省人民医院', city: '广州', weight: 3 },
  { name: '中山大学肿瘤防治中心', city: '广州', weight: 2 },
  { name: '苏州大学附属第一医院', city: '苏州', weight: 4 },
  { name: '浙江大学医学院附属第一医院', city: '杭州', weight: 4 },
  { name: '四川大学华西医院', city: '成都', weight: 4 },
  { name: '华中科技大学同济医学院附属协和医院', city: '武汉', weight: 3 },
  { name: '山东大学齐鲁医院', city: '济南', weight: 3 },
  { name: '中南大学湘雅医院', city: '长沙', weight: 2 },
  { name: '西安交通大学第一附属医院', city: '西安', weight: 2 },
  { name: '江苏省人民医院', city: '南京', weight: 3 },
  { name: '郑州大学第一附属医院', city: '郑州', weight: 2 },
  { name: '福建医科大学附属协和医院', city: '福州', weight: 2 },
  { name: '哈尔滨血液病肿瘤研究所', city: '哈尔滨', weight: 1 },
  { name: '重庆医科大学附属第一医院', city: '重庆', weight: 2 },
  { name: '河北医科大学第二医院', city: '石家庄', weight: 1 },
  { name: '安徽省立医院', city: '合肥', weight: 1 },
  { name: '吉林大学第一医院', city: '长春', weight: 1 },
  { name: '中国医科大学附属盛京医院', city: '沈阳', weight: 1 },
];

export const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤',
];
export const GIVEN_NAMES = [
  '建国',
  '明华',
  '晓红',
  '丽娟',
  '志强',
  '文静',
  '海燕',
  '伟',
  '芳',
  '军',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '超',
  '秀英',
  '慧',
  '静',
  '敏',
  '鹏',
  '玲',
  '丹',
  '萍',
  '晨',
  '颖',
  '宇',
  '婷',
  '宁',
  '欣',
  '怡',
  '晓东',
  '永刚',
  '春梅',
  '立新',
  '雅琴',
  '振宇',
  '文博',
  '思远',
  '晓峰',
  '红梅',
  '国庆',
  '亚楠',
  '建华',
  '卫东',
  '淑珍',
  '一鸣',
  '嘉宁',
  '少华',
];

export const REASONS = {
  ethicsApproval: '伦理委员会初始审查批准',
  amendment: '方案修订版经伦理委员会批准',
  suspend: [
    '申办方因研究药物供应问题暂停入组',
    '根据数据监查委员会（DMC）建议暂停入组，等待安全性评估',
    '方案修订期间暂停入组',
    'Sponsor paused enrollment pending a protocol amendment',
  ],
  resume: ['研究药物供应恢复，恢复入组', 'DMC安全性评估完成，同意恢复入组', '修订方案经伦理委员会批准，恢复入组'],
  terminate: [
    '申办方基于研发战略调整提前终止研究',
    '期中分析未达到预设疗效终点，申办方终止研究',
    '入组进度缓慢，申办方决定终止研究',
    'Sponsor decision: development program discontinued',
  ],
  close: '末例受试者完成随访，研究关闭',
  centerClosedWithStudy: '研究结束，中心关闭',
  centerClosedOnTermination: '申办方终止研究，中心关闭',
} as const;

// ---------- subjects (issue 4) ----------

/** What a criterion is about: screen-failure reasons name the criteria they stand for by these tags. */
export type CriterionTag =
  | 'consent'
  | 'diagnosis'
  | 'ecog'
  | 'prior'
  | 'measurable'
  | 'organ'
  | 'life'
  | 'contraception'
  | 'infection'
  | 'cns'
  | 'priorTarget'
  | 'cardiac'
  | 'pregnancy'
  | 'washout'
  | 'malignancy'
  | 'transplant';

export interface CriterionTemplate {
  kind: 'inclusion' | 'exclusion';
  tag: CriterionTag;
  text: Bilingual;
}

/** Inclusion criteria every study has (I1, I2), then the optional ones. */
export const BASE_INCLUSIONS: readonly CriterionTemplate[] = [
  {
    kind: 'inclusion',
    tag: 'consent',
    text: b('年龄≥18周岁，自愿签署书面知情同意书', 'Aged 18 years or older, written informed consent signed'),
  },
  {
    kind: 'inclusion',
    tag: 'diagnosis',
    text: b('经组织病理学或细胞学确诊的{indication}', 'Histologically or cytologically confirmed {indication}'),
  },
];
export const MORE_INCLUSIONS: readonly CriterionTemplate[] = [
  { kind: 'inclusion', tag: 'ecog', text: b('ECOG体能状态评分0–2分', 'ECOG performance status 0–2') },
  {
    kind: 'inclusion',
    tag: 'prior',
    text: b('既往接受过至少2线系统治疗', 'At least 2 prior lines of systemic therapy'),
  },
  { kind: 'inclusion', tag: 'measurable', text: b('至少有一处可测量病灶', 'At least one measurable lesion') },
  {
    kind: 'inclusion',
    tag: 'organ',
    text: b(
      '骨髓及主要器官功能满足要求（中性粒细胞≥1.0×10⁹/L，血小板≥50×10⁹/L，肌酐清除率≥40 mL/min）',
      'Adequate bone marrow and organ function (ANC ≥ 1.0×10⁹/L, platelets ≥ 50×10⁹/L, CrCl ≥ 40 mL/min)',
    ),
  },
  { kind: 'inclusion', tag: 'life', text: b('预期生存期≥3个月', 'Life expectancy of at least 3 months') },
  {
    kind: 'inclusion',
    tag: 'contraception',
    text: b(
      '育龄期受试者同意在研究期间采取有效避孕措施',
      'Participants of childbearing potential agree to use effective contraception',
    ),
  },
];
export const EXCLUSIONS: readonly CriterionTemplate[] = [
  {
    kind: 'exclusion',
    tag: 'infection',
    text: b('活动性乙型或丙型肝炎病毒感染，或HIV感染', 'Active hepatitis B or C infection, or HIV infection'),
  },
  { kind: 'exclusion', tag: 'cns', text: b('中枢神经系统受累', 'Central nervous system involvement') },
  {
    kind: 'exclusion',
    tag: 'priorTarget',
    text: b('既往接受过同靶点药物治疗', 'Prior therapy directed at the same target'),
  },
  {
    kind: 'exclusion',
    tag: 'cardiac',
    text: b(
      '严重心血管疾病（NYHA III–IV级心力衰竭，或6个月内发生心肌梗死）',
      'Significant cardiovascular disease (NYHA class III–IV heart failure, or myocardial infarction within 6 months)',
    ),
  },
  { kind: 'exclusion', tag: 'pregnancy', text: b('妊娠期或哺乳期女性', 'Pregnant or breastfeeding') },
  {
    kind: 'exclusion',
    tag: 'washout',
    text: b('首次给药前4周内接受过其他研究药物', 'Another investigational drug within 4 weeks before the first dose'),
  },
  {
    kind: 'exclusion',
    tag: 'malignancy',
    text: b('5年内患有其他活动性恶性肿瘤', 'Another active malignancy within 5 years'),
  },
  {
    kind: 'exclusion',
    tag: 'transplant',
    text: b('6个月内接受过异基因造血干细胞移植', 'Allogeneic stem cell transplantation within 6 months'),
  },
];

export interface ScreenFailureTemplate {
  code: string;
  label: Bilingual;
  /** the criteria a subject failing for this reason fails (any criterion when null) */
  tags: readonly CriterionTag[] | null;
  weight: number;
  details: readonly string[];
}
export const SCREEN_FAILURE_REASONS: readonly ScreenFailureTemplate[] = [
  {
    code: 'IE',
    label: b('不符合入选/排除标准', 'Eligibility criteria not met'),
    tags: null,
    weight: 6,
    details: ['经研究者评估不符合入选标准', '筛选期检查发现不符合方案要求'],
  },
  {
    code: 'LAB',
    label: b('实验室检查不符合要求', 'Laboratory values out of range'),
    tags: ['organ'],
    weight: 5,
    details: ['血小板 32×10⁹/L', '中性粒细胞 0.6×10⁹/L', '肌酐清除率 28 mL/min', '总胆红素 3.2×ULN'],
  },
  {
    code: 'ECOG',
    label: b('体能状态评分不符合', 'Performance status not eligible'),
    tags: ['ecog'],
    weight: 2,
    details: ['ECOG 3分'],
  },
  {
    code: 'PRIOR',
    label: b('既往治疗不符合要求', 'Prior therapy not eligible'),
    tags: ['prior', 'priorTarget'],
    weight: 3,
    details: ['既往仅接受1线治疗', '既往接受过BCMA靶向治疗'],
  },
  {
    code: 'MEAS',
    label: b('无可测量病灶', 'No measurable disease'),
    tags: ['measurable'],
    weight: 2,
    details: ['基线影像学评估无可测量病灶'],
  },
  {
    code: 'INF',
    label: b('活动性感染', 'Active infection'),
    tags: ['infection'],
    weight: 3,
    details: ['HBV-DNA 2.3×10³ IU/mL', '抗HCV抗体阳性，HCV-RNA阳性'],
  },
  {
    code: 'CNS',
    label: b('中枢神经系统受累', 'CNS involvement'),
    tags: ['cns'],
    weight: 1,
    details: ['头颅MRI提示中枢神经系统受累'],
  },
  {
    code: 'CARD',
    label: b('心脏功能不符合要求', 'Cardiac function not eligible'),
    tags: ['cardiac'],
    weight: 2,
    details: ['LVEF 38%', 'QTcF 512 ms'],
  },
  { code: 'PREG', label: b('妊娠或哺乳', 'Pregnant or breastfeeding'), tags: ['pregnancy'], weight: 1, details: [] },
  {
    code: 'WASH',
    label: b('洗脱期不足', 'Washout period not completed'),
    tags: ['washout'],
    weight: 1,
    details: ['末次化疗距首次给药不足4周'],
  },
  {
    code: 'MAL',
    label: b('合并其他恶性肿瘤', 'Another active malignancy'),
    tags: ['malignancy'],
    weight: 1,
    details: [],
  },
  {
    code: 'TX',
    label: b('近期接受过造血干细胞移植', 'Recent stem cell transplantation'),
    tags: ['transplant'],
    weight: 1,
    details: [],
  },
];

/** Why an enrolled subject left the study: details by withdrawal reason (db/schema/vocabulary withdrawalReasons). */
export const WITHDRAWAL_DETAILS = {
  consent_withdrawn: ['受试者因个人原因撤回知情同意', '受试者及家属要求退出研究', '受试者转至外院继续治疗'],
  adverse_event: ['3级血小板减少持续未恢复', '4级中性粒细胞减少伴发热', '3级肝功能异常', '细胞因子释放综合征3级'],
  physician_decision: ['疾病进展，研究者判断不宜继续治疗', '研究者判断受试者无法从研究治疗中获益'],
  lost_to_follow_up: ['多次电话联系未果', '受试者更换联系方式后失访'],
  death: ['疾病进展死亡', '重症感染死亡'],
  other: ['受试者移居外地', '研究药物供应中断'],
} as const;
export const WITHDRAWAL_WEIGHTS = {
  consent_withdrawn: 30,
  adverse_event: 24,
  physician_decision: 18,
  lost_to_follow_up: 14,
  death: 8,
  other: 6,
} as const;

/** Given names by sex (the demo's subjects: names match the recorded sex). */
export const GIVEN_NAMES_F = [
  '晓红',
  '丽娟',
  '文静',
  '海燕',
  '芳',
  '艳',
  '秀英',
  '慧',
  '静',
  '敏',
  '玲',
  '丹',
  '萍',
  '颖',
  '婷',
  '欣',
  '怡',
  '春梅',
  '雅琴',
  '红梅',
  '亚楠',
  '淑珍',
];
export const GIVEN_NAMES_M = [
  '建国',
  '明华',
  '志强',
  '伟',
  '军',
  '磊',
  '洋',
  '勇',
  '杰',
  '涛',
  '超',
  '鹏',
  '晨',
  '宇',
  '宁',
  '晓东',
  '永刚',
  '立新',
  '振宇',
  '文博',
  '思远',
  '晓峰',
  '国庆',
  '建华',
  '卫东',
  '一鸣',
  '嘉宁',
  '少华',
];

/** The first letter of each name character's pinyin (subject initials are written from the pinyin). */
export const PINYIN_INITIAL: Readonly<Record<string, string>> = Object.fromEntries(
  (
    'W王 L李 Z张 L刘 C陈 Y杨 H黄 Z赵 W吴 Z周 X徐 S孙 M马 Z朱 H胡 G郭 H何 G高 L林 L罗 Z郑 L梁 X谢 S宋 T唐 X许 H韩 F冯 ' +
    'D邓 C曹 P彭 Z曾 X肖 T田 D董 Y袁 P潘 J蒋 C蔡 Y余 D杜 Y叶 C程 S苏 W魏 L吕 D丁 R任 S沈 Y姚 L卢 J姜 C崔 Z钟 T谭 L陆 ' +
    'W汪 F范 J金 S石 L廖 J贾 X夏 W韦 F方 B白 Z邹 M孟 X熊 Q秦 Q邱 J江 Y尹 X薛 D段 L雷 H侯 L龙 S史 T陶 L黎 H贺 G顾 M毛 ' +
    'H郝 G龚 S邵 W万 Q钱 Y严 W武 D戴 K孔 T汤 ' +
    'J建 G国 M明 H华 X晓 H红 L丽 J娟 Z志 Q强 W文 J静 H海 Y燕 W伟 F芳 J军 L磊 Y洋 Y勇 Y艳 J杰 T涛 C超 X秀 Y英 H慧 M敏 ' +
    'P鹏 L玲 D丹 P萍 C晨 Y颖 Y宇 T婷 N宁 X欣 Y怡 D东 Y永 G刚 C春 M梅 L立 X新 Y雅 Q琴 Z振 B博 S思 Y远 F峰 Q庆 Y亚 N楠 ' +
    'W卫 S淑 Z珍 Y一 M鸣 J嘉 S少'
  )
    .split(' ')
    .map((pair) => [pair.slice(1), pair[0]!]),
);

/** Administrative division codes (the first 6 digits of an ID-card number): mostly Beijing, some neighbours. */
export const ID_REGIONS = [
  '110101',
  '110102',
  '110105',
  '110106',
  '110107',
  '110108',
  '110111',
  '110112',
  '110114',
  '110115',
  '120101',
  '120104',
  '130102',
  '130602',
  '140105',
  '150102',
  '210102',
  '370102',
  '410105',
];

// ---------- visits and deviations (issue 5) ----------

/** Why a visit could not be done (recorded "not done", the reason is required). */
export const VISIT_NOT_DONE_REASONS = [
  '受试者因感染住院，未能返院完成访视',
  '受试者在外院就诊，检查未能按方案完成',
  '受试者因新冠感染居家隔离',
  '研究药物暂缺，本次给药访视未进行',
  '受试者拒绝本次抽血及检查',
] as const;
/** Notes of a missed visit. */
export const VISIT_MISSED_NOTES = [
  '多次电话联系，受试者未按期返院',
  '受试者因交通原因未能返院，已电话随访',
  null,
  null,
] as const;
/** Occasional notes of a visit done. */
export const VISIT_DONE_NOTES = [
  '血常规提示中性粒细胞减少，已予对症处理',
  '受试者诉轻度乏力，未予特殊处理',
  '本次访视合并用药有更新',
  '影像学检查已预约下周完成',
] as const;
/** Why a visit out of window or missed is not a protocol deviation (the coordinator's explanation). */
export const DEVIATION_EXPLANATIONS = [
  '申办方书面同意调整本次访视日期（邮件已存档）',
  '因法定节假日顺延，已获申办方医学经理确认',
  '受试者因不良事件住院，研究者判断访视顺延不构成方案偏离',
  '方案允许的剂量延迟导致访视顺延，不构成偏离',
] as const;
export const DEVIATION_CORRECTIVE_ACTIONS = [
  '已对研究团队再次培训访视窗口要求',
  '已提醒受试者按期返院，增加电话提醒',
  '已报告申办方并记录于偏离日志',
  null,
] as const;
/** Unscheduled visits: the AE follow-up line's reasons, and free unscheduled visits (name, reason). */
export const AE_FOLLOW_UP_REASONS = [
  '3级中性粒细胞减少，复查血常规',
  '输注相关反应后随访',
  '发热伴肺部感染，门诊复查',
  '2级肝功能异常复查',
  '血小板减少复查',
] as const;
export const UNSCHEDULED_VISIT_NAME = '计划外访视';
export const UNSCHEDULED_REASONS = ['受试者自述不适，临时就诊', '实验室检查异常复查', '影像学检查补做'] as const;
/** A subject in screening who never came back for it (the screening visit long overdue). */
export const SCREENING_NOT_DONE_REASON = '受试者未返院完成筛选检查';
