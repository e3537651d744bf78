/** The SMS of an objection to the entitlement record (Art. 31), in the 规程's words. */
type RecordObjectionOutcome = 'corrected' | 'explained';

const SIGNATURE = '【辽宁失业保险】';

/** Art. 31: 经办机构应进行复核确认，存在错误的应予以更正. The outcome and what the clerk stated. */
export function recordObjectionOutcomeText(p: { caseNumber: string; outcome: RecordObjectionOutcome; text: string }) {
  const body =
    p.outcome === 'corrected'
      ? `经复核确认，您的失业保险权益记录存在错误，已予以更正：${p.text}`
      : `经复核确认，您的失业保险权益记录无误，说明如下：${p.text}`;
  return `${SIGNATURE}您提出的权益记录核查申请（${p.caseNumber}）已办结。${body}。可登录网上服务平台查询打印权益记录（第三十一条）。`;
}
