using System.Diagnostics.CodeAnalysis;

namespace LiquidationEngine.Feeds;

/// <summary>Command-line names of the <see cref="FeedFormat"/>s: <c>auto</c>, <c>binance-stream</c>, <c>tardis</c>,
/// <c>binance-klines</c>, <c>generic</c>, <c>binary</c>.</summary>
public static class FeedFormats
{
    private static readonly (FeedFormat Format, string Name)[] Table =
    [
        (FeedFormat.Auto, "auto"),
        (FeedFormat.BinanceStream, "binance-stream"),
        (FeedFormat.Tardis, "tardis"),
        (FeedFormat.BinanceKlines, "binance-klines"),
        (FeedFormat.Generic, "generic"),
        (FeedFormat.Binary, "binary"),
    ];

    /// <summary>All names, <c>auto</c> first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The name of <paramref name="format"/>.</summary>
    public static string GetName(FeedFormat format)
    {
        foreach ((FeedFormat f, string name) in Table)
        {
            if (f == format)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown feed format.");
    }

    /// <summary>Parses a name (case-insensitive); false for an unknown one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out FeedFormat format)
    {
        foreach ((FeedFormat f, string n) in Table)
        {
            if (string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }

        format = FeedFormat.Auto;
        return false;
    }
}
