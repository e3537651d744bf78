-- Reference data: the provincial agency and the 14 city agencies of Liaoning (Art. 5), keyed by administrative
-- division code (GB/T 2260). Art. 39: benefits are paid by the city agencies. County agencies are added by later
-- migrations or by the administrators' API.
INSERT INTO "agency" ("code", "name", "level", "parent_code") VALUES
    ('210000', '辽宁省失业保险经办机构', 'province', NULL),
    ('210100', '沈阳市失业保险经办机构', 'city', '210000'),
    ('210200', '大连市失业保险经办机构', 'city', '210000'),
    ('210300', '鞍山市失业保险经办机构', 'city', '210000'),
    ('210400', '抚顺市失业保险经办机构', 'city', '210000'),
    ('210500', '本溪市失业保险经办机构', 'city', '210000'),
    ('210600', '丹东市失业保险经办机构', 'city', '210000'),
    ('210700', '锦州市失业保险经办机构', 'city', '210000'),
    ('210800', '营口市失业保险经办机构', 'city', '210000'),
    ('210900', '阜新市失业保险经办机构', 'city', '210000'),
    ('211000', '辽阳市失业保险经办机构', 'city', '210000'),
    ('211100', '盘锦市失业保险经办机构', 'city', '210000'),
    ('211200', '铁岭市失业保险经办机构', 'city', '210000'),
    ('211300', '朝阳市失业保险经办机构', 'city', '210000'),
    ('211400', '葫芦岛市失业保险经办机构', 'city', '210000')
ON CONFLICT ("code") DO NOTHING;
