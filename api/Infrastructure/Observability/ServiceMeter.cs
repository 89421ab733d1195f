using System.Diagnostics.Metrics;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>
/// The service's own meter, "Feedback": the features make their instruments on it (submissions,
/// the gauges of <see cref="DatabaseGauges"/>). Made by the host's meter factory, so it lives and
/// is disposed with the service.
/// </summary>
public sealed class ServiceMeter(IMeterFactory factory)
{
    public const string Name = "Feedback";

    public Meter Meter { get; } = factory.Create(Name);
}
