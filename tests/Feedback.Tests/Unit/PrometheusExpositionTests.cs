using Feedback.Tests.Support;

namespace Feedback.Tests.Unit;

/// <summary>The tests' reader of the Prometheus text format refuses what Prometheus would refuse or misread.</summary>
public sealed class PrometheusExpositionTests
{
    private const string Histogram = """
        # HELP request_seconds How long.
        # TYPE request_seconds histogram
        request_seconds_bucket{route="/a",le="0.1"} 1
        request_seconds_bucket{route="/a",le="1"} 3
        request_seconds_bucket{route="/a",le="+Inf"} 4
        request_seconds_sum{route="/a"} 2.5
        request_seconds_count{route="/a"} 4

        """;

    [Test]
    public void Reads_families_samples_escaped_label_values_and_timestamps()
    {
        var scrape = PrometheusExposition.Parse(Histogram + """
            # TYPE files_total counter
            files_total{path="C:\\tmp",said="say \"hi\"",lines="a\nb"} 7 1700000000000
            odd_gauge -Inf

            """);
        var file = scrape.Series("files_total").Single();
        Assert.Multiple(() =>
        {
            Assert.That(scrape.Families["request_seconds"].Type, Is.EqualTo("histogram"));
            Assert.That(scrape.Families["request_seconds"].Help, Is.EqualTo("How long."));
            Assert.That(scrape.Value("request_seconds_count", ("route", "/a")), Is.EqualTo(4));
            Assert.That(file.Labels["path"], Is.EqualTo(@"C:\tmp"));
            Assert.That(file.Labels["said"], Is.EqualTo("say \"hi\""));
            Assert.That(file.Labels["lines"], Is.EqualTo("a\nb"));
            Assert.That(file.Timestamp, Is.EqualTo(1700000000000));
            Assert.That(scrape.Families["odd_gauge"].Type, Is.EqualTo("untyped"));
            Assert.That(scrape.Value("odd_gauge"), Is.EqualTo(double.NegativeInfinity));
        });
    }

    [TestCase("files_total{path=\"a\\tb\"} 1\n", TestName = "An escape other than \\\\, \\\" and \\n")]
    [TestCase("files_total{said=\"a\"b\"} 1\n", TestName = "A quote left unescaped")]
    [TestCase("files_total{path=\"a\"} 1", TestName = "No line feed at the end")]
    [TestCase("1files 1\n", TestName = "A metric name starting with a digit")]
    [TestCase("files{1path=\"a\"} 1\n", TestName = "A label name starting with a digit")]
    [TestCase("files{__name__=\"a\"} 1\n", TestName = "A reserved label name")]
    [TestCase("files{a=\"1\",a=\"2\"} 1\n", TestName = "A label twice")]
    [TestCase("files{a=\"1\",} 1\n", TestName = "A trailing comma")]
    [TestCase("files 1,5\n", TestName = "A number with a comma")]
    [TestCase("files 1 12.5\n", TestName = "A timestamp that is not whole milliseconds")]
    [TestCase("files  1\n", TestName = "Two spaces")]
    [TestCase("# a remark\nfiles 1\n", TestName = "A comment other than HELP and TYPE")]
    [TestCase("# TYPE files thing\nfiles 1\n", TestName = "An unknown type")]
    [TestCase("files 1\n# TYPE files gauge\n", TestName = "TYPE after the samples")]
    [TestCase("# TYPE files gauge\n# TYPE files gauge\nfiles 1\n", TestName = "TYPE twice")]
    [TestCase("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", TestName = "A family split in two")]
    [TestCase("# TYPE a gauge\na 1\na 2\n", TestName = "A series twice")]
    [TestCase("# TYPE files_total counter\nfiles_total -1\n", TestName = "A counter below zero")]
    public void Refuses(string exposition) =>
        Assert.Throws<FormatException>(() => PrometheusExposition.Parse(exposition));

    [TestCase("le=\"1\"} 3", "le=\"1\"} 0", TestName = "Buckets that are not cumulative")]
    [TestCase("le=\"1\"} 3", "le=\"0.05\"} 3", TestName = "Bounds that do not rise")]
    [TestCase("le=\"+Inf\"} 4", "le=\"10\"} 4", TestName = "No +Inf bucket")]
    [TestCase("_count{route=\"/a\"} 4", "_count{route=\"/a\"} 5", TestName = "A count other than the +Inf bucket")]
    [TestCase("request_seconds_sum{route=\"/a\"} 2.5\n", "", TestName = "No sum")]
    public void Refuses_a_histogram_with(string part, string replacement)
    {
        Assert.That(Histogram, Does.Contain(part));
        Assert.Throws<FormatException>(() => PrometheusExposition.Parse(Histogram.Replace(part, replacement)));
    }
}
