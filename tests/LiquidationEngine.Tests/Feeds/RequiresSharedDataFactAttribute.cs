using Xunit;

namespace LiquidationEngine.Tests.Feeds;

/// <summary>A fact that needs real files from shared/data. When one is missing the test is skipped with the reason,
/// except under CI (the <c>CI</c> variable is set), where it runs and fails with the same clear message.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresSharedDataFactAttribute : FactAttribute
{
    /// <summary>Declares the files (relative to shared/data) the test reads.</summary>
    public RequiresSharedDataFactAttribute(params string[] relativePaths)
    {
        RelativePaths = relativePaths;
        string? missing = relativePaths.FirstOrDefault(p => SharedData.Find(p) is null);
        if (missing is not null && !SharedData.RunningInCi)
        {
            Skip = SharedData.MissingMessage(missing) + " (skipped because CI is not set; under CI this test fails)";
        }
    }

    /// <summary>The files the test needs.</summary>
    public IReadOnlyList<string> RelativePaths { get; }
}
