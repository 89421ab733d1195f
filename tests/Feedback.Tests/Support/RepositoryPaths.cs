namespace Feedback.Tests.Support;

public static class RepositoryPaths
{
    /// <summary>The folder holding Feedback.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string OpenApiYaml => Path.Combine(Root, "openapi.yaml");
    public static string WebClientDist => Path.Combine(Root, "web-client", "dist");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Feedback.sln"))) return dir.FullName;
        throw new InvalidOperationException("Feedback.sln not found above " + AppContext.BaseDirectory);
    }
}
