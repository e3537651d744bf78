/** A person-month contribution record (Art. 25) for the store's tests, with changes. */
import type { ContributionRecordRow } from '../../domain/contributions';

export const RECORD_ID_NUMBER = '210102198503151235';

export const contributionRow = (o: Partial<ContributionRecordRow> = {}): ContributionRecordRow => ({
  idNumber: RECORD_ID_NUMBER,
  employerUscc: '91210100MA0XYP12AD',
  employerName: '沈阳某机械有限公司',
  month: '2025-03',
  baseFen: 500_000,
  amountPaidFen: 5_000,
  receiptDate: '2025-04-15',
  backPayment: false,
  taxSeq: 10,
  ...o,
});
