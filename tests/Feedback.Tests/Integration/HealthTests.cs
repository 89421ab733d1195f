using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

public sealed class HealthTests : IntegrationTest
{
    [Test]
    public async Task Live_and_ready_answer_200_when_the_database_is_migrated()
    {
        using var live = await Client.GetAsync("/health/live");
        using var ready = await Client.GetAsync("/health/ready");
        Assert.Multiple(() =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
