using Feedback.Api.Features.Notifications.Sms;

namespace Feedback.Tests.Unit;

/// <summary>Tencent Cloud SMS's reply callback, as its documentation shows it, and the replies that mean "stop".</summary>
public sealed class TencentSmsRepliesTests
{
    [Test]
    public void Reads_the_documented_payload()
    {
        var reply = TencentSmsReplies.Parse("""
            {"extend": "", "mobile": "13800138000", "nationcode": "86", "sign": "嵊州市环保局", "text": "退订", "time": 1457336869}
            """);
        Assert.That(reply, Is.EqualTo(new TencentSmsReplies.Reply("13800138000", "退订", DateTimeOffset.FromUnixTimeSeconds(1457336869))));
    }

    [Test]
    public void Sign_and_extend_are_not_needed() =>
        Assert.That(TencentSmsReplies.Parse("""{"mobile": "13800138000", "nationcode": "86", "text": "谢谢", "time": 1457336869}""")?.Text,
            Is.EqualTo("谢谢"));

    [TestCase("", TestName = "empty")]
    [TestCase("not json", TestName = "not JSON")]
    [TestCase("""[{"mobile": "13800138000", "nationcode": "86", "text": "TD", "time": 1457336869}]""", TestName = "an array")]
    [TestCase("""{"nationcode": "86", "text": "TD", "time": 1457336869}""", TestName = "no mobile")]
    [TestCase("""{"mobile": "1380013800", "nationcode": "86", "text": "TD", "time": 1457336869}""", TestName = "ten digits")]
    [TestCase("""{"mobile": 13800138000, "nationcode": "86", "text": "TD", "time": 1457336869}""", TestName = "mobile as a number")]
    [TestCase("""{"mobile": "4155550100", "nationcode": "1", "text": "STOP", "time": 1457336869}""", TestName = "a foreign number")]
    [TestCase("""{"mobile": "13800138000", "text": "TD", "time": 1457336869}""", TestName = "no nationcode")]
    [TestCase("""{"mobile": "13800138000", "nationcode": "86", "time": 1457336869}""", TestName = "no text")]
    [TestCase("""{"mobile": "13800138000", "nationcode": "86", "text": "TD"}""", TestName = "no time")]
    [TestCase("""{"mobile": "13800138000", "nationcode": "86", "text": "TD", "time": "yesterday"}""", TestName = "time as words")]
    [TestCase("""{"mobile": "13800138000", "nationcode": "86", "text": "TD", "time": 99999999999999}""", TestName = "time beyond the calendar")]
    public void Refuses_malformed_payloads(string json) => Assert.That(TencentSmsReplies.Parse(json), Is.Null);

    [TestCase("退订")]
    [TestCase("TD")]
    [TestCase("td")]
    [TestCase(" T ")]
    [TestCase("n")]
    [TestCase("0000")]
    [TestCase("ＴＤ", TestName = "full-width TD")]
    [TestCase("退订。")]
    [TestCase("TD！")]
    public void Recognises_unsubscribe_replies(string text) => Assert.That(TencentSmsReplies.IsStopRequest(text), Is.True);

    [TestCase("")]
    [TestCase("谢谢")]
    [TestCase("不要退订")]
    [TestCase("TDD")]
    [TestCase("000")]
    [TestCase("什么时候处理？T")]
    public void Leaves_other_replies_alone(string text) => Assert.That(TencentSmsReplies.IsStopRequest(text), Is.False);
}
