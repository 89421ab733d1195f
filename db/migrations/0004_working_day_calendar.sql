-- The working-day calendar behind every legal deadline. Monday to Friday are working days and
-- Saturday and Sunday are not, except for the days listed here:
--   'holiday'  a Monday-to-Friday day off (public holiday, or a day off moved there by 调休);
--   'workday'  a Saturday or Sunday that is worked (调休上班, the make-up working day).
-- A holiday that falls on a weekend is a day off anyway and is not listed. Administrators add
-- each year's days once the State Council publishes them; the API reloads this table by itself.

create table calendar_days (
    day      date primary key,
    kind     text not null check (kind in ('holiday', 'workday')),
    name_zh  text not null check (char_length(name_zh) between 1 and 50),
    name_en  text not null check (char_length(name_en) between 1 and 80),
    -- A row must change the answer: a weekend day cannot become a day off, nor a weekday a working day.
    constraint calendar_days_kind_matches_weekday check (
        (kind = 'holiday' and extract(isodow from day) between 1 and 5)
        or (kind = 'workday' and extract(isodow from day) in (6, 7)))
);

-- 2026: 国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号, 2025年11月4日.
--   元旦   1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
--   春节   2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
--   清明节 4月4日（周六）至6日（周一）放假，共3天。
--   劳动节 5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
--   端午节 6月19日（周五）至21日（周日）放假，共3天。
--   中秋节 9月25日（周五）至27日（周日）放假，共3天。
--   国庆节 10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
insert into calendar_days (day, kind, name_zh, name_en) values
    ('2026-01-01', 'holiday', '元旦',           'New Year''s Day'),
    ('2026-01-02', 'holiday', '元旦',           'New Year''s Day'),
    ('2026-01-04', 'workday', '元旦调休上班',   'Make-up working day (New Year''s Day)'),
    ('2026-02-14', 'workday', '春节调休上班',   'Make-up working day (Spring Festival)'),
    ('2026-02-16', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-17', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-18', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-19', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-20', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-23', 'holiday', '春节',           'Spring Festival'),
    ('2026-02-28', 'workday', '春节调休上班',   'Make-up working day (Spring Festival)'),
    ('2026-04-06', 'holiday', '清明节',         'Qingming Festival'),
    ('2026-05-01', 'holiday', '劳动节',         'Labour Day'),
    ('2026-05-04', 'holiday', '劳动节',         'Labour Day'),
    ('2026-05-05', 'holiday', '劳动节',         'Labour Day'),
    ('2026-05-09', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'),
    ('2026-06-19', 'holiday', '端午节',         'Dragon Boat Festival'),
    ('2026-09-20', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'),
    ('2026-09-25', 'holiday', '中秋节',         'Mid-Autumn Festival'),
    ('2026-10-01', 'holiday', '国庆节',         'National Day'),
    ('2026-10-02', 'holiday', '国庆节',         'National Day'),
    ('2026-10-05', 'holiday', '国庆节',         'National Day'),
    ('2026-10-06', 'holiday', '国庆节',         'National Day'),
    ('2026-10-07', 'holiday', '国庆节',         'National Day'),
    ('2026-10-10', 'workday', '国庆节调休上班', 'Make-up working day (National Day)');

-- 2027: the State Council's notice for 2027 (国务院办公厅关于2027年部分节假日安排的通知) was not
-- published when this was written. Until it is, 2027 holds only the statutory holidays of
-- 《全国年节及纪念日放假办法》 (2024 revision) that fall on a weekday:
--   元旦 1月1日（周五）; 春节 除夕 2月5日（周五）、正月初一至初三 2月6日至8日（周六至周一）;
--   清明节 4月5日（周一）; 劳动节 5月1日至2日（周六、周日）; 端午节 6月9日（周三, 五月初五）;
--   中秋节 9月15日（周三, 八月十五）; 国庆节 10月1日至3日（周五至周日）.
-- The weekend statutory days (2月6日、7日, 5月1日、2日, 10月2日、3日) are days off anyway. An
-- ADMINISTRATOR MUST ADD the notice's other days off (补休 for those weekend days, bridge days)
-- and its make-up working days (调休上班) as soon as the notice is published.
insert into calendar_days (day, kind, name_zh, name_en) values
    ('2027-01-01', 'holiday', '元旦',   'New Year''s Day'),
    ('2027-02-05', 'holiday', '春节',   'Spring Festival'),
    ('2027-02-08', 'holiday', '春节',   'Spring Festival'),
    ('2027-04-05', 'holiday', '清明节', 'Qingming Festival'),
    ('2027-06-09', 'holiday', '端午节', 'Dragon Boat Festival'),
    ('2027-09-15', 'holiday', '中秋节', 'Mid-Autumn Festival'),
    ('2027-10-01', 'holiday', '国庆节', 'National Day');
