namespace LiquidationEngine.Tests.Feeds;

/// <summary>Finds the real recorded data in <c>shared/data</c> beside the repository (read in place, never copied).</summary>
public static class SharedData
{
    /// <summary>The <c>shared/data</c> directory: found by walking up from the test binaries; null when absent.</summary>
    public static string? Root { get; } = FindRoot();

    /// <summary>True when the <c>CI</c> environment variable is set (missing data then fails instead of skipping).</summary>
    public static bool RunningInCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Full path of a file under shared/data, or null when it is not there.</summary>
    public static string? Find(string relativePath)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.Combine(Root, relativePath);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Full path of a file under shared/data; throws (failing the test) with a clear message when it is missing.</summary>
    public static string Require(string relativePath)
        => Find(relativePath) ?? throw new FileNotFoundException(MissingMessage(relativePath));

    /// <summary>The message shown when <paramref name="relativePath"/> is missing, for skips and failures alike.</summary>
    public static string MissingMessage(string relativePath)
        => $"Real market data 'shared/data/{relativePath}' not found: looked for a directory containing shared/data "
            + $"upwards from {AppContext.BaseDirectory}. Put the shared folder beside the repository (e.g. /work/shared).";

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
