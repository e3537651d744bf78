/**
 * Documents (业务材料, Art. 14, 84, 85): the scans and photos supplied for a case's materials.
 *
 *   POST /cases/:caseNumber/documents        upload one file (multipart/form-data: `kind`, `file`) by the applicant,
 *                                            the employer's agent (its own cases) or a clerk of the case's agency
 *   GET  /cases/:caseNumber/documents        the case's documents, to those who may see the case
 *   GET  /documents/:id/content              the file itself, to the same
 *   POST /documents/:id/certification        the clerk's 与原件核对无误 mark on a copy of an original (Art. 14)
 *
 * The type is read from the content (npm `file-type`, magic bytes), never the name; the size limit is configuration
 * (DOCUMENT_MAX_BYTES); the bytes go to the document store by SHA-256 (lib/document-store), so the same file is kept
 * once, and the same file for the same case and kind is the same document (200, not a second row).
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { fileTypeFromBuffer } from 'file-type';
import { z } from 'zod';
import { agencyCovers, STAFF_ROLES } from '../../domain/access';
import { DOCUMENT_KINDS, DOCUMENT_KIND_NAMES, isDocumentMediaType, KINDS_BY_CASE_TYPE } from '../../domain/documents';
import { audit } from '../../lib/audit';
import { applicantOf } from '../../lib/case-store';
import type { Db } from '../../lib/db';
import { sha256Of, type DocumentStore } from '../../lib/document-store';
import { ownsCase, partyOf } from '../../lib/own-cases';
import { ApiError, parseOr400, validationError } from '../errors';
import { CaseNumberParamSchema } from '../claims/schema';

/** The clerks who take materials at a window or in review and may mark a copy (Art. 14). */
export const CLERKS_WHO_TAKE_MATERIALS = ['intake', 'reviewer', 'second_reviewer', 'approver', 'supervisor'];

/** The text parts of an upload: the kind and nothing else (the file is the one file part). */
const UploadFieldsSchema = z.strictObject({ kind: z.enum(DOCUMENT_KIND_NAMES, { message: '须为材料种类之一' }) });

export const DocumentIdParamSchema = z.object({ id: z.uuid({ message: '须为材料编号（UUID）' }) });
export const CertificationSchema = z
  .strictObject({
    checked: z.literal(true, { message: '须为 true：经办人员已与原件核对无误（第十四条）' }),
  })
  .meta({ id: 'DocumentCertification' });

export const DocumentSchema = z
  .object({
    id: z.string(),
    caseNumber: z.string(),
    kind: z.enum(DOCUMENT_KIND_NAMES),
    kindLabel: z.string(),
    sha256: z.string(),
    sizeBytes: z.number().int(),
    mediaType: z.string(),
    fileName: z.string().nullable(),
    suppliedBy: z.object({ role: z.string(), name: z.string() }),
    uploadedAt: z.string(),
    usedAt: z.string().nullable(),
    certified: z.object({ by: z.string(), at: z.string() }).nullable(),
    contentUrl: z.string(),
  })
  .meta({ id: 'Document' });

type DocumentRow = NonNullable<Awaited<ReturnType<Db['document']['findUnique']>>>;

export const documentView = (d: DocumentRow): z.infer<typeof DocumentSchema> => ({
  id: d.id,
  caseNumber: d.caseNumber,
  kind: d.kind as z.infer<typeof DocumentSchema>['kind'],
  kindLabel: DOCUMENT_KINDS[d.kind as keyof typeof DOCUMENT_KINDS]?.label ?? d.kind,
  sha256: d.sha256,
  sizeBytes: d.sizeBytes,
  mediaType: d.mediaType,
  fileName: d.fileName,
  suppliedBy: { role: d.suppliedByRole, name: d.suppliedByName },
  uploadedAt: d.uploadedAt.toISOString(),
  usedAt: d.usedAt?.toISOString() ?? null,
  certified: d.certifiedAt ? { by: d.certifiedByName!, at: d.certifiedAt.toISOString() } : null,
  contentUrl: `/documents/${d.id}/content`,
});

/** The one route that takes multipart/form-data instead of JSON (api/app.ts lets it past the JSON rule). */
export const takesUpload = (req: Request): boolean =>
  req.method === 'POST' && /^\/cases\/[^/]+\/documents\/?$/.test(req.path) && req.is('multipart/form-data') !== false;

/** An instant as people in Liaoning read it: '2026-12-07 09:30' (Beijing time, UTC+8, no daylight saving). */
const beijingMinute = (at: Date): string =>
  new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

interface Caller {
  role: string;
  id: string | null;
  name: string;
  clerk: boolean;
}

export function documentsRouter(deps: { db: Db; store: DocumentStore; maxBytes: number; now?: () => Date }): Router {
  const router = Router();
  const { db, store } = deps;
  const now = deps.now ?? (() => new Date());
  const upload = multer({
    storage: multer.memoryStorage(),
    // Browsers (and fetch) write a file name in UTF-8 without RFC 5987's filename*: read it so, not as busboy's
    // default latin1, so that 解除劳动合同证明.pdf is kept as it was named (Art. 84).
    defParamCharset: 'utf8',
    limits: { fileSize: deps.maxBytes, files: 1, fields: 4, fieldSize: 256, parts: 5 },
  }).single('file');

  /** The case if the caller may see it (staff in scope, the person or employer whose case it is), else 404. */
  async function caseFor(req: Request, caseNumber: string, act: boolean) {
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await db.case.findUnique({ where: { caseNumber } });
    const roles = req.user?.roles ?? [];
    const staffRole = roles.find((r) =>
      (act ? CLERKS_WHO_TAKE_MATERIALS : (STAFF_ROLES as readonly string[])).includes(r),
    );
    const staff = !!(c && staffRole && agencyCovers(req.user!.agencyCode, c.agencyCode));
    const party = partyOf(req);
    const own = !staff && c && party ? await ownsCase(db, party, caseNumber) : false;
    if (!c || (!staff && !own)) throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    const caller: Caller = staff
      ? { role: staffRole!, id: req.user!.id, name: req.user!.username, clerk: true }
      : party!.kind === 'person'
        ? { role: 'applicant', id: null, name: 'applicant', clerk: false }
        : { role: 'employer_agent', id: req.user!.id, name: req.user!.username, clerk: false };
    return { c, caller };
  }

  async function documentFor(req: Request, act: boolean) {
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    // An ID that is not a document's names none: 404, as one that does not exist.
    const parsed = DocumentIdParamSchema.safeParse(req.params);
    const d = parsed.success ? await db.document.findUnique({ where: { id: parsed.data.id } }) : null;
    if (!d) throw new ApiError(404, 'document_not_found', '没有该材料');
    try {
      return { d, ...(await caseFor(req, d.caseNumber, act)) };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) throw new ApiError(404, 'document_not_found', '没有该材料');
      throw err;
    }
  }

  /** multipart/form-data by multer (busboy); its refusals as the API's errors. */
  async function readUpload(req: Request, res: Response): Promise<void> {
    if (!req.is('multipart/form-data'))
      throw new ApiError(415, 'unsupported_media_type', '上传材料须为 multipart/form-data（字段 kind、file）');
    await new Promise<void>((resolve, reject) => upload(req, res, (err: unknown) => (err ? reject(err) : resolve())));
  }

  router.post('/cases/:caseNumber/documents', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const { c, caller } = await caseFor(req, caseNumber, true);
    try {
      await readUpload(req, res);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE')
        throw new ApiError(413, 'document_too_large', `材料文件不能超过${Math.floor(deps.maxBytes / 1024 / 1024)}MB`, [
          { path: 'file', message: `不能超过${deps.maxBytes}字节`, rule: 'max_bytes' },
        ]);
      const field = err instanceof multer.MulterError ? (err.field ?? 'file') : 'file';
      throw validationError(
        [{ path: field, message: '上传内容不完整或格式有误，须为一个 file 文件和 kind 字段', rule: 'multipart' }],
        '上传内容有误',
      );
    }
    const fields = { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    if ('file' in fields)
      throw validationError([{ path: 'file', message: '材料须作为文件上传，不能是文字', rule: 'multipart' }]);
    const { kind } = parseOr400(UploadFieldsSchema, fields);
    if (!KINDS_BY_CASE_TYPE[c.caseType]?.includes(kind))
      throw new ApiError(422, 'kind_not_for_case', `本案件不需要「${DOCUMENT_KINDS[kind].label}」`, [
        { path: 'kind', message: '该材料种类不属于本案件', rule: 'kind_not_for_case' },
      ]);
    const file = req.file;
    if (!file || file.size === 0)
      throw validationError([{ path: 'file', message: '须上传材料文件', rule: 'required' }], '须上传材料文件');
    const type = await fileTypeFromBuffer(file.buffer);
    if (!isDocumentMediaType(type?.mime))
      throw new ApiError(
        415,
        'unsupported_document_type',
        '材料文件须为 PDF、JPEG 或 PNG（按文件内容识别，不看文件名）',
        [{ path: 'file', message: '须为 PDF、JPEG 或 PNG 文件', rule: 'media_type' }],
      );
    const sha256 = sha256Of(file.buffer);
    const person = await applicantOf(db, caseNumber);
    const at = now();
    const fileName =
      [...file.originalname]
        .filter((ch) => ch.charCodeAt(0) > 0x1f && ch !== '\u007f')
        .join('')
        .slice(0, 255) || null;
    // The bytes and the row in one transaction (the embedded store); the same file for the same case and kind is
    // the document already there.
    const { row, created } = await db.$transaction(async (tx) => {
      await store.put(tx, sha256, file.buffer);
      const found = await tx.document.findUnique({
        where: { caseNumber_kind_sha256: { caseNumber, kind, sha256 } },
      });
      if (found) return { row: found, created: false };
      const made = await tx.document.create({
        data: {
          id: randomUUID(),
          caseNumber,
          personIdNumber: person?.idNumber ?? null,
          kind,
          sha256,
          sizeBytes: file.size,
          mediaType: type!.mime,
          fileName,
          suppliedByRole: caller.role,
          suppliedById: caller.id,
          suppliedByName: caller.name,
          uploadedAt: at,
        },
      });
      await audit(tx, {
        actor: { id: caller.id, username: caller.name },
        action: 'document_uploaded',
        entity: 'document',
        entityId: made.id,
        caseNumber,
        after: { kind, sha256, sizeBytes: file.size, mediaType: type!.mime },
        requestId: String(req.id),
      });
      return { row: made, created: true };
    });
    res.status(created ? 201 : 200).json(documentView(row));
  });

  router.get('/cases/:caseNumber/documents', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    await caseFor(req, caseNumber, false);
    const rows = await db.document.findMany({ where: { caseNumber }, orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }] });
    res.json({ items: rows.map(documentView) });
  });

  router.get('/documents/:id/content', async (req, res) => {
    const { d, caller } = await documentFor(req, false);
    const bytes = await store.get(d.sha256);
    // What is served is what was stored: the content is checked against its hash.
    if (!bytes || sha256Of(bytes) !== d.sha256)
      throw new ApiError(500, 'document_content_missing', '材料文件缺失或已损坏，请联系系统管理员');
    await audit(db, {
      actor: { id: caller.id, username: caller.name },
      action: 'document_viewed',
      entity: 'document',
      entityId: d.id,
      caseNumber: d.caseNumber,
      requestId: String(req.id),
    });
    const ext = d.mediaType === 'application/pdf' ? 'pdf' : d.mediaType === 'image/png' ? 'png' : 'jpg';
    res.setHeader('Content-Type', d.mediaType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${d.kind}.${ext}"; filename*=UTF-8''${encodeURIComponent(d.fileName ?? `${d.kind}.${ext}`)}`,
    );
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(bytes);
  });

  /**
   * Art. 14: one 与原件核对无误 mark per document, by the clerk who checked the original. The mark is set by a
   * conditional update (only while unmarked), so of two clerks at the same moment one mark stands and the other is
   * not written over it: the same clerk again gets the same answer (a retry), another clerk 409 naming whose mark it is
   * and when — a 200 would let them believe their own check was recorded.
   */
  router.post('/documents/:id/certification', async (req, res) => {
    const { d, caller } = await documentFor(req, true);
    if (!caller.clerk) throw new ApiError(403, 'clerk_only', '“与原件核对无误”须由经办人员核对原件后注明（第十四条）');
    parseOr400(CertificationSchema, req.body ?? {});
    const marked = await db.$transaction(async (tx) => {
      const at = now();
      const { count } = await tx.document.updateMany({
        where: { id: d.id, certifiedAt: null },
        data: { certifiedById: caller.id, certifiedByName: caller.name, certifiedAt: at },
      });
      if (count === 0) return null;
      await audit(tx, {
        actor: { id: caller.id, username: caller.name },
        action: 'document_certified',
        entity: 'document',
        entityId: d.id,
        caseNumber: d.caseNumber,
        after: { certified: '与原件核对无误' },
        requestId: String(req.id),
        at,
      });
      return tx.document.findUniqueOrThrow({ where: { id: d.id } });
    });
    if (marked) return res.json(documentView(marked));
    const row = await db.document.findUniqueOrThrow({ where: { id: d.id } });
    const sameClerk = caller.id !== null ? row.certifiedById === caller.id : row.certifiedByName === caller.name;
    if (sameClerk) return res.json(documentView(row)); // marked already by this clerk: the same answer
    const by = row.certifiedByName!;
    const when = beijingMinute(row.certifiedAt!);
    throw new ApiError(
      409,
      'document_already_certified',
      `该材料已由${by}于${when}注明“与原件核对无误”，不再重复注明（第十四条）`,
      [{ path: 'checked', message: `已由${by}于${when}核对`, rule: 'certified_once' }],
    );
  });

  return router;
}
