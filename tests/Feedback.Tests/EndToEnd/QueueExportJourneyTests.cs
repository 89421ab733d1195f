using System.Text;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>The queue's export button: a CSV download of the cases the current filters select.</summary>
public sealed class QueueExportJourneyTests : StaffConsoleTest
{
    protected override bool Laptop => true;

    [Test]
    public async Task A_clerk_exports_the_searched_queue_and_gets_a_csv_with_the_chinese_header()
    {
        var (boiler, _) = await FileAsync("air.odor", "锅炉房的烟囱每天傍晚冒黑烟，气味刺鼻。");
        var (farm, _) = await FileAsync("air.odor", "养殖场的粪便臭味很重。");
        var (conduct, _) = await FileAsync("conduct.inaction", "执法大队工作人员对锅炉冒烟的举报不作为。");

        await SignInAsync(Page, "enforcement.staff");
        await SearchAsync(Page, "锅炉");
        await Expect(Row(Page, boiler)).ToBeVisibleAsync();

        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Button, new() { Name = "导出 CSV" }).ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var text = await reader.ReadToEndAsync();
        var lines = text.Split("\r\n");
        Assert.Multiple(async () =>
        {
            Assert.That(download.SuggestedFilename, Does.Match(@"^complaints-\d{4}-\d{2}-\d{2}\.csv$"));
            Assert.That(lines[0], Is.EqualTo("\uFEFF查询编号,状态,类别,承办科室,乡镇（街道）,来源,提交时间,办理期限,剩余工作日,是否超期,承办人,延期,复查,附议人数,紧急,保密,内容摘要"));
            Assert.That(lines[1], Does.StartWith(boiler + ",待受理,"), "the case the search shows");
            Assert.That(text, Does.Not.Contain(farm), "the current search applies to the export");
            Assert.That(text, Does.Not.Contain(conduct), "never a conduct case for a clerk");
            await Expect(Page.GetByTestId("export-note")).ToContainTextAsync("已导出");
        });
    }
}
