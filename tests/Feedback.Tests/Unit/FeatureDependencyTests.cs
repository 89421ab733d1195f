using System.Text.RegularExpressions;
using Feedback.Tests.Support;

namespace Feedback.Tests.Unit;

/// <summary>
/// Dependencies between the feature areas under api/Features run one way (the architecture document,
/// "Which way dependencies run"): the shared case model (Cases) uses no other area, and no two
/// areas reach each other, directly or round a longer loop. Read from the source: the
/// <c>using Feedback.Api.Features.X;</c> lines and names qualified with an area
/// (<c>Features.X.Type</c>, <c>X.Type.Member</c>).
/// </summary>
public sealed partial class FeatureDependencyTests
{
    private static readonly string FeaturesFolder = Path.Combine(RepositoryPaths.Root, "api", "Features");

    [Test]
    public void The_shared_case_model_uses_no_other_feature_area()
    {
        var graph = Graph();
        Assert.That(graph["Cases"], Is.Empty, "Features/Cases is the shared model every slice may use, so it uses none of them");
    }

    [Test]
    public void No_two_feature_areas_depend_on_each_other_round_a_loop()
    {
        var graph = Graph();
        // The reading itself works: edges we know are there are found.
        Assert.That(graph["StaffComplaints"], Does.Contain("Complaints").And.Contain("Cases"));

        var loops = graph.Keys.Order(StringComparer.Ordinal)
            .Select(area => LoopThrough(graph, area))
            .Where(loop => loop is not null)
            .Select(loop => string.Join(" -> ", loop!))
            .Distinct()
            .ToList();
        Assert.That(loops, Is.Empty, "feature areas that reach each other; move the shared piece down (Cases, Categories) or to the area that owns it");
    }

    [Test]
    public void A_name_qualified_with_its_area_counts_as_a_dependency()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AreaQualified().Match("var text = StaffComplaints.CaseRules.Available(viewer);").Groups["area"].Value, Is.EqualTo("StaffComplaints"));
            Assert.That(AreaQualified().IsMatch("var n = case.Photos.Count;"), Is.False, "a member's member is not an area");
            Assert.That(FullyQualified().Match("using Feedback.Api.Features.Photos;").Groups["area"].Value, Is.EqualTo("Photos"));
        });
    }

    /// <summary>Area → the other areas its files name.</summary>
    private static Dictionary<string, HashSet<string>> Graph()
    {
        var areas = Directory.GetDirectories(FeaturesFolder).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var graph = areas.ToDictionary(area => area, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var area in areas)
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FeaturesFolder, area), "*.cs", SearchOption.AllDirectories))
        {
            var source = File.ReadAllText(file);
            var named = FullyQualified().Matches(source).Select(m => m.Groups["area"].Value)
                .Concat(AreaQualified().Matches(source).Select(m => m.Groups["area"].Value));
            foreach (var other in named)
                if (other != area && areas.Contains(other)) graph[area].Add(other);
        }
        return graph;
    }

    /// <summary>A path from <paramref name="start"/> back to itself, or null.</summary>
    private static List<string>? LoopThrough(Dictionary<string, HashSet<string>> graph, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string>? Walk(string area, List<string> path)
        {
            foreach (var next in graph[area].Order(StringComparer.Ordinal))
            {
                if (next == start) return [.. path, next];
                if (seen.Add(next) && Walk(next, [.. path, next]) is { } loop) return loop;
            }
            return null;
        }
        return Walk(start, [start]);
    }

    [GeneratedRegex(@"Feedback\.Api\.Features\.(?<area>\w+)")]
    private static partial Regex FullyQualified();

    /// <summary><c>StaffComplaints.CaseRules.Available</c>: an area, a type, a member (not <c>x.Photos.Count</c>).</summary>
    [GeneratedRegex(@"(?<![\w.""/])(?<area>[A-Z]\w*)\.[A-Z]\w*\.")]
    private static partial Regex AreaQualified();
}
