/**
 * The vocabulary of a generated org: companies, 직급 titles with their 직위 (gradeName), jobs, places
 * and department names. Values follow the seed's samples (삼성SDS, C60, B3K 책임, 잠실동관, +82-10-…).
 */

export const COMPANIES: Record<string, { name: string; enName: string }> = {
  C60: { name: '삼성SDS', enName: 'SAMSUNG SDS' },
  C10: { name: '삼성전자', enName: 'SAMSUNG ELECTRONICS' },
  C20: { name: '삼성SDI', enName: 'SAMSUNG SDI' },
};

export function companyOf(code: string): { name: string; enName: string } {
  return COMPANIES[code] ?? { name: `삼성${code}`, enName: `SAMSUNG ${code}` };
}

/** One 직급 and what an employee holding it carries (seed attributes 44, 45, 62, 81–83, 40). */
export interface CatalogTitle {
  titleCode: string;
  titleName: string;
  enTitleName: string;
  sortOrder: number;
  gradeName: string;
  enGradeName: string;
  gradeTitleIndiCode: 'G' | 'T' | 'B';
  securityLevel: '1' | '2' | '3' | '4' | '5' | '9';
  executive: boolean;
  /** The title a promotion leads to. */
  next?: string;
}

const FAMILIES = [
  { code: 'K', ko: '연구원', en: 'Engineer', weight: 45 },
  { code: 'S', ko: '매니저', en: 'Sales Manager', weight: 15 },
  { code: 'M', ko: '', en: 'Professional', weight: 20 },
  { code: 'D', ko: '디자이너', en: 'Designer', weight: 5 },
  { code: 'C', ko: '컨설턴트', en: 'Consultant', weight: 15 },
] as const;

/** 직위 ladder of regular staff: 사원 → 선임 → 책임 → 수석 (seed: securityLevel 4 간부, 5 사원). */
const GRADES = [
  { level: 1, ko: '사원', en: 'Associate', security: '5', sort: 400, weight: 25 },
  { level: 2, ko: '선임', en: 'Senior', security: '5', sort: 300, weight: 35 },
  { level: 3, ko: '책임', en: 'Principal', security: '4', sort: 200, weight: 28 },
  { level: 4, ko: '수석', en: 'Master', security: '4', sort: 100, weight: 12 },
] as const;

/** Executives (seed securityLevel 2 사장단, 3 임원진), most senior first. */
const EXECUTIVES: CatalogTitle[] = [
  {
    titleCode: 'E4P',
    titleName: '사장',
    enTitleName: 'President',
    sortOrder: 10,
    gradeName: '사장',
    enGradeName: 'President',
    gradeTitleIndiCode: 'G',
    securityLevel: '2',
    executive: true,
  },
  {
    titleCode: 'E3V',
    titleName: '부사장',
    enTitleName: 'Executive Vice President',
    sortOrder: 20,
    gradeName: '부사장',
    enGradeName: 'EVP',
    gradeTitleIndiCode: 'G',
    securityLevel: '2',
    executive: true,
    next: 'E4P',
  },
  {
    titleCode: 'E2V',
    titleName: '전무',
    enTitleName: 'Senior Vice President',
    sortOrder: 30,
    gradeName: '전무',
    enGradeName: 'SVP',
    gradeTitleIndiCode: 'G',
    securityLevel: '2',
    executive: true,
    next: 'E3V',
  },
  {
    titleCode: 'E1V',
    titleName: '상무',
    enTitleName: 'Vice President',
    sortOrder: 40,
    gradeName: '상무',
    enGradeName: 'VP',
    gradeTitleIndiCode: 'G',
    securityLevel: '3',
    executive: true,
    next: 'E2V',
  },
  {
    titleCode: 'A1D',
    titleName: '고문',
    enTitleName: 'Advisor',
    sortOrder: 50,
    gradeName: '고문',
    enGradeName: 'Advisor',
    gradeTitleIndiCode: 'G',
    securityLevel: '3',
    executive: true,
  },
];

/** Temporary staff (T/Z) are 프로; contractors (U/X) carry the partner title (securityLevel 9 협력사). */
export const PRO_TITLE = 'P1P';
export const PARTNER_TITLE = 'P9P';

export const TITLES: readonly CatalogTitle[] = [
  ...EXECUTIVES,
  ...GRADES.flatMap((g, gi) =>
    FAMILIES.map((f, fi): CatalogTitle => ({
      titleCode: `B${g.level}${f.code}`,
      titleName: `${g.ko}${f.ko}`,
      enTitleName: `${g.en} ${f.en}`,
      sortOrder: g.sort + fi,
      gradeName: g.ko,
      enGradeName: g.en,
      gradeTitleIndiCode: fi === 2 ? 'G' : 'B',
      securityLevel: g.security,
      executive: false,
      next: gi < GRADES.length - 1 ? `B${g.level + 1}${f.code}` : 'E1V',
    })),
  ),
  {
    titleCode: PRO_TITLE,
    titleName: '프로',
    enTitleName: 'Pro',
    sortOrder: 500,
    gradeName: '프로',
    enGradeName: 'Pro',
    gradeTitleIndiCode: 'T',
    securityLevel: '5',
    executive: false,
  },
  {
    titleCode: PARTNER_TITLE,
    titleName: '협력',
    enTitleName: 'Partner',
    sortOrder: 900,
    gradeName: '프로',
    enGradeName: 'Pro',
    gradeTitleIndiCode: 'T',
    securityLevel: '9',
    executive: false,
  },
];

export const TITLE_BY_CODE: ReadonlyMap<string, CatalogTitle> = new Map(TITLES.map((t) => [t.titleCode, t]));

const staffWeights = (entry: boolean) =>
  GRADES.flatMap((g) =>
    FAMILIES.map((f): [string, number] => [`B${g.level}${f.code}`, (entry ? [60, 30, 10, 0][g.level - 1]! : g.weight) * f.weight]),
  );
/** Regular 직급 weighted as the usual pyramid; `hire` favours the lower grades. */
export const STAFF_TITLE_WEIGHTS = { staff: staffWeights(false), hire: staffWeights(true) } as const;

/** Head of a department at this level holds at least this title (사장 at the top, 상무 for centers). */
export const HEAD_TITLE_BY_LEVEL: Record<number, string> = { 1: 'E4P', 2: 'E2V', 3: 'E1V' };

/** Employee types (seed attribute 19) with their share; the mail domain follows the seed's note. */
export const EMPLOYEE_TYPES: [string, number][] = [
  ['N', 82],
  ['U', 5],
  ['X', 3],
  ['C', 3],
  ['Y', 2],
  ['T', 3],
  ['Z', 2],
];
export const PARTNER_DOMAIN_TYPES = new Set(['U', 'C', 'T']);

export const JOBS: Record<string, readonly (readonly [code: string, name: string])[]> = {
  K: [
    ['SystemS/W', '시스템S/W'],
    ['AppS/W', '응용S/W'],
    ['DATA', '데이터분석'],
    ['INFRA', '인프라운영'],
    ['SEC', '정보보안'],
  ],
  S: [
    ['SALES', '영업'],
    ['PM', '프로젝트관리'],
    ['PRESALES', '기술영업'],
  ],
  M: [
    ['HR', '인사'],
    ['FIN', '재무'],
    ['PUR', '구매'],
    ['LEGAL', '법무'],
    ['GA', '총무'],
  ],
  D: [
    ['UX', 'UX디자인'],
    ['VD', '시각디자인'],
  ],
  C: [
    ['CONS', '컨설팅'],
    ['ARCH', '아키텍처'],
  ],
  P: [['SUP', '업무지원']],
};

export interface Corp {
  corpCode: string;
  corpName: string;
  enCorpName: string;
  country: string;
  serverLocation: 'KR' | 'US' | 'GB';
  timeZone: string;
  preferredLanguage: string;
  phonePrefix: string;
  campuses: readonly Campus[];
}

export interface Campus {
  busiCode: string;
  busiName: string;
  enBusiName: string;
  address: string;
  enAddress: string;
  zip: string;
  regionCode: string;
  regionName: string;
  enRegionName: string;
}

export const HQ_CORP: Corp = {
  corpCode: 'A001',
  corpName: '본사',
  enCorpName: 'HQ',
  country: 'KR',
  serverLocation: 'KR',
  timeZone: 'Asia/Seoul',
  preferredLanguage: 'ko',
  phonePrefix: '82-2',
  campuses: [
    {
      busiCode: 'B0001',
      busiName: '잠실동관',
      enBusiName: 'SDS East Campus',
      address: '송파구 올림픽로35길 123',
      enAddress: '123, Olympic-ro 35-gil, Songpa',
      zip: '05510',
      regionCode: 'R01',
      regionName: '잠실',
      enRegionName: 'Jamsil',
    },
    {
      busiCode: 'B0002',
      busiName: '잠실서관',
      enBusiName: 'SDS West Campus',
      address: '송파구 올림픽로35길 125',
      enAddress: '125, Olympic-ro 35-gil, Songpa',
      zip: '05510',
      regionCode: 'R01',
      regionName: '잠실',
      enRegionName: 'Jamsil',
    },
    {
      busiCode: 'B0003',
      busiName: '판교캠퍼스',
      enBusiName: 'Pangyo Campus',
      address: '성남시 분당구 판교로 256',
      enAddress: '256, Pangyo-ro, Bundang-gu, Seongnam',
      zip: '13486',
      regionCode: 'R02',
      regionName: '판교',
      enRegionName: 'Pangyo',
    },
    {
      busiCode: 'B0004',
      busiName: '수원사업장',
      enBusiName: 'Suwon Site',
      address: '수원시 영통구 삼성로 129',
      enAddress: '129, Samsung-ro, Yeongtong-gu, Suwon',
      zip: '16677',
      regionCode: 'R03',
      regionName: '수원',
      enRegionName: 'Suwon',
    },
    {
      busiCode: 'B0005',
      busiName: '구미사업장',
      enBusiName: 'Gumi Site',
      address: '구미시 3공단1로 302',
      enAddress: '302, 3gongdan 1-ro, Gumi',
      zip: '39388',
      regionCode: 'R04',
      regionName: '구미',
      enRegionName: 'Gumi',
    },
  ],
};

export const OVERSEAS_CORPS: readonly Corp[] = [
  {
    corpCode: 'B101',
    corpName: '미국법인',
    enCorpName: 'US CORP',
    country: 'US',
    serverLocation: 'US',
    timeZone: 'America/Los_Angeles',
    preferredLanguage: 'en',
    phonePrefix: '+1-408',
    campuses: [
      {
        busiCode: 'U0001',
        busiName: '산호세오피스',
        enBusiName: 'San Jose Office',
        address: '산호세 노스퍼스트가 3655',
        enAddress: '3655 N First St, San Jose, CA',
        zip: '95134',
        regionCode: 'U01',
        regionName: '산호세',
        enRegionName: 'San Jose',
      },
    ],
  },
  {
    corpCode: 'B201',
    corpName: '영국법인',
    enCorpName: 'UK CORP',
    country: 'GB',
    serverLocation: 'GB',
    timeZone: 'Europe/London',
    preferredLanguage: 'en',
    phonePrefix: '+44-20',
    campuses: [
      {
        busiCode: 'G0001',
        busiName: '런던오피스',
        enBusiName: 'London Office',
        address: '런던 체스윅 하이로드 1000',
        enAddress: '1000 Great West Road, London',
        zip: 'TW8 9DW',
        regionCode: 'G01',
        regionName: '런던',
        enRegionName: 'London',
      },
    ],
  },
];

export const CORPS: ReadonlyMap<string, Corp> = new Map([HQ_CORP, ...OVERSEAS_CORPS].map((c) => [c.corpCode, c]));

/** Department name parts: topic (ko, en); the unit follows the level (seed sample: Knox개발그룹(솔루션개발)). */
export const DEPARTMENT_TOPICS: readonly (readonly [string, string])[] = [
  ['클라우드', 'Cloud'],
  ['보안', 'Security'],
  ['데이터', 'Data'],
  ['AI', 'AI'],
  ['인프라', 'Infrastructure'],
  ['솔루션', 'Solution'],
  ['물류', 'Logistics'],
  ['금융', 'Finance'],
  ['제조', 'Manufacturing'],
  ['영업', 'Sales'],
  ['인사', 'HR'],
  ['재무', 'Accounting'],
  ['구매', 'Procurement'],
  ['품질', 'Quality'],
  ['디자인', 'Design'],
  ['플랫폼', 'Platform'],
  ['모바일', 'Mobile'],
  ['네트워크', 'Network'],
  ['컨설팅', 'Consulting'],
  ['마케팅', 'Marketing'],
  ['전략', 'Strategy'],
  ['기획', 'Planning'],
  ['개발', 'Development'],
  ['운영', 'Operations'],
  ['서비스', 'Service'],
  ['기술', 'Technology'],
  ['연구', 'Research'],
  ['R&D', 'R&D'],
  ['M&A', 'M&A'],
  ['고객지원', 'Customer Support'],
  ['공공', 'Public Sector'],
  ['헬스케어', 'Healthcare'],
  ['블록체인', 'Blockchain'],
  ['보안관제', 'Security Operations'],
  ['협업', 'Collaboration'],
  ['Knox개발', 'Knox Development'],
  ['빅데이터', 'Big Data'],
  ['자동화', 'Automation'],
  ['DX', 'DX'],
  ['품질보증', 'Quality Assurance'],
  ['교육', 'Learning'],
  ['법무', 'Legal'],
];

export const DEPARTMENT_UNITS: Record<number, readonly (readonly [string, string])[]> = {
  2: [['사업부', 'Division']],
  3: [
    ['센터', 'Center'],
    ['실', 'Office'],
  ],
  4: [['팀', 'Team']],
  5: [['그룹', 'Group']],
  6: [['파트', 'Part']],
  7: [['셀', 'Cell']],
  8: [['랩', 'Lab']],
};

/** Share of departments at each level below the divisions (depth up to 8). */
export const LEVEL_SHARES: Record<number, number> = { 3: 5, 4: 20, 5: 40, 6: 24, 7: 7, 8: 3 };
export const MAX_DEPTH = 8;

/** Korean surnames with rough frequencies, and their usual romanisation. */
export const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['김', 'Kim', 215],
  ['이', 'Lee', 147],
  ['박', 'Park', 84],
  ['최', 'Choi', 47],
  ['정', 'Jung', 44],
  ['강', 'Kang', 24],
  ['조', 'Cho', 21],
  ['윤', 'Yoon', 20],
  ['장', 'Jang', 20],
  ['임', 'Lim', 17],
  ['한', 'Han', 15],
  ['오', 'Oh', 15],
  ['서', 'Seo', 15],
  ['신', 'Shin', 15],
  ['권', 'Kwon', 14],
  ['황', 'Hwang', 14],
  ['안', 'Ahn', 14],
  ['송', 'Song', 13],
  ['류', 'Ryu', 12],
  ['전', 'Jeon', 11],
  ['홍', 'Hong', 11],
  ['고', 'Ko', 9],
  ['문', 'Moon', 9],
  ['양', 'Yang', 9],
  ['손', 'Son', 9],
  ['배', 'Bae', 8],
  ['백', 'Baek', 8],
  ['허', 'Heo', 6],
  ['유', 'Yoo', 6],
  ['남', 'Nam', 5],
  ['심', 'Sim', 5],
  ['노', 'Noh', 5],
  ['하', 'Ha', 5],
  ['곽', 'Kwak', 4],
  ['성', 'Sung', 4],
  ['차', 'Cha', 4],
  ['주', 'Joo', 4],
  ['우', 'Woo', 4],
  ['구', 'Koo', 4],
  ['민', 'Min', 3],
  ['진', 'Jin', 3],
  ['나', 'Na', 3],
  ['남궁', 'Namgung', 1],
  ['황보', 'Hwangbo', 1],
  ['제갈', 'Jegal', 1],
  ['선우', 'Sunwoo', 1],
];

/** Syllables of given names with their romanisation. */
export const GIVEN_SYLLABLES: readonly (readonly [string, string])[] = [
  ['민', 'Min'],
  ['서', 'Seo'],
  ['준', 'Jun'],
  ['지', 'Ji'],
  ['현', 'Hyun'],
  ['우', 'Woo'],
  ['예', 'Ye'],
  ['도', 'Do'],
  ['하', 'Ha'],
  ['윤', 'Yoon'],
  ['은', 'Eun'],
  ['수', 'Su'],
  ['영', 'Young'],
  ['호', 'Ho'],
  ['성', 'Sung'],
  ['진', 'Jin'],
  ['재', 'Jae'],
  ['승', 'Seung'],
  ['혜', 'Hye'],
  ['연', 'Yeon'],
  ['정', 'Jung'],
  ['동', 'Dong'],
  ['상', 'Sang'],
  ['태', 'Tae'],
  ['경', 'Kyung'],
  ['희', 'Hee'],
  ['유', 'Yu'],
  ['주', 'Ju'],
  ['아', 'A'],
  ['소', 'So'],
  ['나', 'Na'],
  ['혁', 'Hyuk'],
  ['훈', 'Hoon'],
  ['철', 'Chul'],
  ['석', 'Seok'],
  ['규', 'Gyu'],
  ['형', 'Hyung'],
  ['빈', 'Bin'],
  ['원', 'Won'],
  ['용', 'Yong'],
  ['건', 'Gun'],
  ['한', 'Han'],
  ['미', 'Mi'],
  ['선', 'Sun'],
  ['인', 'In'],
];

/** Local staff abroad; apostrophes, hyphens, spaces and accents on purpose. */
export const FOREIGN_GIVEN = [
  'James',
  'Mary',
  'Patrick',
  'Jean-Luc',
  'Mary-Jane',
  'Siobhán',
  'Olivia',
  'Noah',
  'Aisha',
  'Mateo',
  'Priya',
  'Zoë',
];
export const FOREIGN_SURNAMES = [
  "O'Brien",
  'Smith-Jones',
  "D'Souza",
  'McDonald',
  'van der Berg',
  'García',
  'Nguyen',
  'Johnson',
  'Müller',
  "O'Neil-Park",
  'Patel',
  'Brown',
];

/** The 파견 (seconded-to) attributes of someone seconded from 삼성전자 (seed 29–35, 63–76 samples). */
export const SECONDMENT = {
  enSendBusiName: 'Suwon',
  enSendCompanyName: 'Samsung Electronics',
  enSendDepartmentName: 'IT Service',
  enSendGradeName: 'Principal',
  enSendRegionName: 'Suwon',
  enSendTitleName: 'E5',
  sendBusiCde: 'C10B0001',
  sendCompanyCode: 'C10',
  sendCompanyName: '삼성전자',
  sendDepartmentCode: 'C10CB04CB040060',
  sendDepartmentName: 'IT Services',
  sendGradeName: '책임',
  sendGradeTitleIndiCode: 'B',
  sendRegionCode: 'R03',
  sendSecurityLevel: '4',
  sendTitleName: '책임',
  sendTitleCode: 'E5',
  sendTitleSortOrder: '309',
} as const;
