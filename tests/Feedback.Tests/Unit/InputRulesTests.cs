using System.Text;
using Feedback.Api.Infrastructure.Http;

namespace Feedback.Tests.Unit;

/// <summary>Which JSON field holds a control character, named as the request spells it.</summary>
public sealed class JsonControlCharacterTests
{
    [TestCase("""{"description":"a\u0000b"}""", "description")]
    [TestCase("""{"contact":{"name":"王\u0001"},"township":"x"}""", "contact.name")]
    [TestCase("""{"contact":{"name":"王"},"answers":{"when":"\u007f"}}""", "answers.when")]
    [TestCase("""{"photoIds":["\u0000"]}""", "photoIds")]
    [TestCase("""{"a\u0000":"x"}""", "a\u0000")]
    [TestCase("""["\u0085"]""", "body")]
    [TestCase("{\"text\":\"raw DEL \u007f here\"}", "text")] // a raw DEL byte, not an escape
    public void Names_the_field(string json, string field) =>
        Assert.That(InputRules.FieldWithControlCharacters(Encoding.UTF8.GetBytes(json)), Is.EqualTo(field));

    [TestCase("""{"description":"第一行\n第二行\t完\r\n"}""")]
    [TestCase("""{"description":"a\\u0000 is only text here"}""")]
    [TestCase("""{"contact":{"name":"王"},"n":1,"ok":true,"none":null,"list":[1,"两"]}""")]
    [TestCase("""not json at all""")]
    [TestCase("""{"unfinished":""")]
    public void Lets_line_breaks_escaped_backslashes_and_malformed_json_through(string json) =>
        Assert.That(InputRules.FieldWithControlCharacters(Encoding.UTF8.GetBytes(json)), Is.Null);
}
