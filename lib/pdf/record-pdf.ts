/**
 * 权益记录单 (Art. 9, 10, 29-33) as a signed PDF.
 *
 *   render   pdfkit lays the record out on A4 in Chinese (the font of lib/pdf/font.ts, subset-embedded with a
 *            ToUnicode map, so readers search and copy the text); amounts in 元; the verification code, the
 *            verification address and the content hash printed on every page's foot
 *   sign     pdf-lib adds the signature field and placeholder (@signpdf/placeholder-pdf-lib), @signpdf/signpdf fills
 *            it with a detached CMS signature (adbe.pkcs7.detached) made by the agency's seal (lib/seal.ts,
 *            on node-forge): any reader verifies it, and a changed byte breaks it
 *
 * Why pdfkit: it embeds a face of a TrueType collection (the CJK fonts Debian ships are .ttc) and subsets it, and lays
 * text out in pages; pdf-lib cannot open a collection, and Chromium's print would start a browser per document.
 */
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { PDFDocument as PdfLibDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { formatYuan } from '../../domain/money';
import {
  printedVerificationCode,
  type EmployerRecord,
  type EntitlementRecord,
  type PersonRecord,
} from '../../domain/records/record';
import { maskIdNumber } from '../../domain/identity';
import type { Seal } from '../seal';
import type { PdfFont } from './font';

export interface IssueMeta {
  verificationCode: string;
  issuedAt: Date;
  /** The issuing agency's name (whose seal signs). */
  agencyName: string;
  /** SHA-256 of the record's canonical JSON. */
  contentHash: string;
  /** Where the public checks the code. */
  verifyUrl: string;
}

const yuan = (fen: number) => formatYuan(fen);
const shanghai = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 48;
const FOOT = 60;

function table(doc: Doc, headers: string[], widths: number[], rows: string[][]): void {
  const x0 = MARGIN;
  const lineHeight = 15;
  const draw = (cells: string[], bold: boolean) => {
    if (doc.y + lineHeight > doc.page.height - MARGIN - FOOT) doc.addPage();
    const y = doc.y;
    let x = x0;
    doc.fontSize(8.5).fillColor(bold ? '#000' : '#222');
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 3, { width: widths[i]! - 4, height: lineHeight, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc
      .moveTo(x0, y + lineHeight)
      .lineTo(x, y + lineHeight)
      .lineWidth(bold ? 0.8 : 0.3)
      .strokeColor('#999')
      .stroke();
    doc.x = x0;
    doc.y = y + lineHeight;
  };
  draw(headers, true);
  for (const r of rows) draw(r, false);
  doc.moveDown(0.6);
}

function heading(doc: Doc, text: string): void {
  if (doc.y + 40 > doc.page.height - MARGIN - FOOT) doc.addPage();
  doc.moveDown(0.4).fontSize(12).fillColor('#000').text(text, MARGIN, doc.y);
  doc.moveDown(0.3);
}

function line(doc: Doc, text: string): void {
  if (doc.y + 14 > doc.page.height - MARGIN - FOOT) doc.addPage();
  doc
    .fontSize(9.5)
    .fillColor('#222')
    .text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
}

function personBody(doc: Doc, r: PersonRecord): void {
  const p = r.person;
  heading(doc, '一、登记信息（第二十九条）');
  line(doc, `姓名：${p.name}    证件号码：${maskIdNumber(p.idNumber)}    个人编号：${p.personNumber}`);
  line(doc, `性别：${p.sex === 'male' ? '男' : '女'}    出生日期：${p.birthDate}    参加保险时间：${p.insuredSince}`);
  line(doc, `参保状态：${p.statusLabel}`);
  if (p.terminated) {
    // Art. 33: a terminated insured status is shown as such.
    line(doc, `参保状态注销：因${p.terminated.reasonLabel}于${p.terminated.on}终止参保，参保状态已注销（第三十三条）`);
  }
  table(
    doc,
    ['单位编号', '参保单位', '用工之日', '状态', '终止/离职日期', '离职原因'],
    [72, 150, 62, 40, 72, 103],
    r.relations.map((x) => [
      x.registerNumber,
      x.employerName,
      x.hiredOn,
      x.statusLabel,
      x.endedOn ?? '',
      x.separationReasonLabel ?? '',
    ]),
  );

  const s = r.contributions.summary;
  heading(doc, '二、缴费记录（第二十九条、第三十二条）');
  line(
    doc,
    `累计缴费月数：${s.months}个月（${s.from ?? '—'}至${s.to ?? '—'}）；缴费记录${s.lines}条，实缴金额合计${yuan(s.totalAmountFen)}元。`,
  );
  if (s.overlappingMonths.length) {
    line(
      doc,
      `同一所属期存在多重失业保险关系的月份（各单位缴费均列示，缴费月数不重复计算，第三十二条）：${s.overlappingMonths.join('、')}`,
    );
  }
  const overlapping = new Set(s.overlappingMonths);
  table(
    doc,
    ['费款所属期', '缴费单位', '缴费基数（元）', '实缴金额（元）', '到账日期', '备注'],
    [58, 170, 72, 72, 62, 65],
    r.contributions.records.map((c) => [
      c.month,
      c.employerName,
      yuan(c.baseFen),
      yuan(c.amountFen),
      c.receiptDate,
      [
        c.backPayment ? '补缴' : '',
        overlapping.has(c.month) ? '同月多单位' : '',
        c.version > 1 ? `第${c.version}版` : '',
      ]
        .filter(Boolean)
        .join('，'),
    ]),
  );

  if (r.scope === 'employer') {
    line(doc, '本记录单仅含与本单位有关的登记和缴费信息（第三十条）。');
    return;
  }
  heading(doc, '三、领取失业保险待遇信息（第二十九条）');
  if (!r.benefits.length) line(doc, '无。');
  for (const b of r.benefits) {
    line(
      doc,
      `案件 ${b.caseNumber}（${b.statusLabel}）` +
        (b.period
          ? `：领取期限${b.period.months}个月，${b.period.startDate}至${b.period.endDate}，每月${yuan(b.period.monthlyAmountFen)}元（${b.period.statusLabel}）`
          : ''),
    );
    line(
      doc,
      `已发放失业保险金${b.paid.length}个月，合计${yuan(b.paidTotalFen)}元；代缴职工基本医疗保险费${b.medicalPremiums.months}个月，合计${yuan(b.medicalPremiums.totalFen)}元（第四十四条）。`,
    );
    if (b.paid.length) {
      table(
        doc,
        ['发放月份', '失业保险金（元）'],
        [100, 120],
        b.paid.map((m) => [m.month, yuan(m.amountFen)]),
      );
    }
  }
  if (r.otherBenefits.length) {
    table(
      doc,
      ['案件编号', '待遇', '事件日期', '状态', '金额（元）'],
      [150, 130, 70, 80, 70],
      r.otherBenefits.map((o) => [
        o.caseNumber,
        o.kindLabel,
        o.date ?? '',
        o.statusLabel,
        o.amountFen === null ? '' : yuan(o.amountFen),
      ]),
    );
  }
  heading(doc, '四、技能提升补贴信息（第二十九条）');
  if (!r.skillSubsidies.length) line(doc, '无。');
  else {
    table(
      doc,
      ['案件编号', '职业（工种）及等级', '发证日期', '状态', '金额（元）'],
      [150, 130, 70, 80, 70],
      r.skillSubsidies.map((o) => [
        o.caseNumber,
        o.detail ?? '',
        o.date ?? '',
        o.statusLabel,
        o.amountFen === null ? '' : yuan(o.amountFen),
      ]),
    );
  }
}

function employerBody(doc: Doc, r: EmployerRecord): void {
  const e = r.employer;
  heading(doc, '一、单位登记信息（第二十九条）');
  line(doc, `单位名称：${e.name}`);
  line(doc, `统一社会信用代码：${e.code}    单位编号：${e.registerNumber}    参保时间：${e.insuredSince}`);
  line(doc, `参保状态：${e.statusLabel}${e.ended ? `（${e.ended.on}终止）` : ''}`);
  const c = r.staff.counts;
  line(
    doc,
    `职工参保关系：参保${c.insured ?? 0}人，暂停${c.suspended ?? 0}人，终止${c.terminated ?? 0}人，注销${c.cancelled ?? 0}人。`,
  );
  heading(doc, '二、单位缴费记录（第二十九条）');
  line(
    doc,
    `缴费月数：${r.contributions.months.length}个月（${r.contributions.from ?? '—'}至${r.contributions.to ?? '—'}），实缴金额合计${yuan(r.contributions.totalAmountFen)}元。`,
  );
  table(
    doc,
    ['费款所属期', '参保人数', '缴费基数合计（元）', '实缴金额（元）', '到账日期'],
    [70, 60, 120, 110, 80],
    r.contributions.months.map((m) => [
      m.month,
      String(m.insuredCount),
      yuan(m.baseTotalFen),
      yuan(m.amountFen),
      m.receiptDate,
    ]),
  );
  heading(doc, '三、享受稳岗返还信息（第二十九条）');
  if (!r.jobRetentionRefunds.length) line(doc, '无。');
  else {
    table(
      doc,
      ['案件编号', '项目', '状态', '金额（元）'],
      [150, 130, 100, 80],
      r.jobRetentionRefunds.map((o) => [
        o.caseNumber,
        o.kindLabel,
        o.statusLabel,
        o.amountFen === null ? '' : yuan(o.amountFen),
      ]),
    );
  }
}

/** The record laid out as a PDF (not yet signed). */
export function renderRecordPdf(record: EntitlementRecord, meta: IssueMeta, font: PdfFont): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      bufferPages: true,
      info: {
        Title: record.kind === 'person' ? '失业保险个人权益记录单' : '失业保险单位权益记录单',
        Author: meta.agencyName,
        Subject: `验证码 ${printedVerificationCode(meta.verificationCode)}`,
        CreationDate: meta.issuedAt,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    // pdfkit takes a parsed fontkit face as it takes a file (its PDFFontFactory); the typings know files only.
    doc.registerFont('cjk', faceOf(font) as unknown as Buffer);
    doc.font('cjk');

    doc
      .fontSize(17)
      .fillColor('#000')
      .text(record.kind === 'person' ? '失业保险个人权益记录单' : '失业保险单位权益记录单', { align: 'center' });
    doc.moveDown(0.3);
    doc
      .fontSize(9.5)
      .text(`出具机构：${meta.agencyName}    记录截至：${record.asOf}    出具时间：${shanghai(meta.issuedAt)}`, {
        align: 'center',
      });
    doc.moveDown(0.5);
    if (record.kind === 'person') personBody(doc, record);
    else employerBody(doc, record);

    doc.moveDown(1);
    line(
      doc,
      '说明：本记录单依据《辽宁省失业保险经办规程》第二十九条至第三十三条出具，加盖经办机构电子印章，与实体印章具有同等法律效力（第十条）。' +
        '个人权益记录不得用于商业交易或者营利活动，不得违法向他人泄露（第三十条）。对记录有异议的，可以向经办机构书面提出核查申请（第三十一条）。',
    );
    // The seal's mark (the digital signature itself is in the signature field).
    if (doc.y + 110 > doc.page.height - MARGIN - FOOT) doc.addPage();
    const cx = doc.page.width - MARGIN - 60;
    const cy = doc.y + 55;
    doc.save().lineWidth(2.5).strokeColor('#c00').circle(cx, cy, 50).stroke();
    doc
      .fillColor('#c00')
      .fontSize(9)
      .text(meta.agencyName, cx - 45, cy - 22, { width: 90, align: 'center' });
    doc.fontSize(16).text('★', cx - 45, cy - 8, { width: 90, align: 'center' });
    doc.fontSize(9).text('电子印章', cx - 45, cy + 14, { width: 90, align: 'center' });
    doc.restore();

    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const y = doc.page.height - MARGIN - 30;
      doc.fillColor('#333').fontSize(8);
      doc.text(
        `验证码：${printedVerificationCode(meta.verificationCode)}    查验：${meta.verifyUrl}    第${i + 1 - range.start}页/共${range.count}页`,
        MARGIN,
        y,
        { width: doc.page.width - 2 * MARGIN, lineBreak: false, height: 12 },
      );
      doc.text(`内容摘要（SHA-256）：${meta.contentHash}`, MARGIN, y + 12, {
        width: doc.page.width - 2 * MARGIN,
        lineBreak: false,
        height: 12,
      });
    }
    doc.end();
  });
}

/**
 * The font face, parsed once per process (per path and face). Parsing it again for each document (what pdfkit does
 * with a file or its bytes) decoded the collection's tables (loca, hmtx, cmap: tens of thousands of glyphs) every time,
 * the largest cost of a document. The face is shared read-only: each document makes its own subset of it.
 */
const faces = new Map<string, fontkit.Font>();
function faceOf(font: PdfFont): fontkit.Font {
  const key = `${font.path}#${font.family ?? ''}`;
  let face = faces.get(key);
  if (!face) {
    const parsed = fontkit.create(readFileSync(font.path), font.family);
    if (!('layout' in parsed)) throw new Error(`${font.path} is a font collection: name its face (#PostScriptName)`);
    faces.set(key, (face = parsed));
  }
  return face;
}

/** Art. 10: the PDF signed with the agency's seal (PAdES, adbe.pkcs7.detached). */
export async function signRecordPdf(
  pdf: Buffer,
  seal: Seal,
  info: { agencyName: string; verificationCode: string; at: Date },
): Promise<Buffer> {
  const pdfDoc = await PdfLibDocument.load(pdf);
  pdflibAddPlaceholder({
    pdfDoc,
    reason: `失业保险权益记录单 验证码 ${printedVerificationCode(info.verificationCode)}`,
    contactInfo: '',
    name: seal.signer,
    location: info.agencyName,
    signingTime: info.at,
    signatureLength: 8192,
    appName: 'ui-case-system',
  });
  const withPlaceholder = Buffer.from(await pdfDoc.save({ useObjectStreams: false }));
  return new SignPdf().sign(withPlaceholder, seal.pdfSigner, info.at);
}
