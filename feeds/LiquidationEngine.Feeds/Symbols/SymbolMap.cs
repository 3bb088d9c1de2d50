using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace LiquidationEngine.Feeds;

/// <summary>Maps venue symbols (<c>BTCUSDT</c>) to the engine's instrument symbols (<c>BTC-USDT-PERP</c>).</summary>
/// <remarks>
/// <para>Built from (venue, instrument) pairs. A configured instrument symbol also maps to itself, so files that already
/// carry instrument symbols (the binary format, generic CSV written by the engine) read back with the same map.
/// Readers report a symbol the map does not know as <see cref="FeedErrorKind.UnknownSymbol"/>.</para>
/// <para><see cref="PassThrough"/> accepts every symbol unchanged. Either way the map hands out one string instance
/// per distinct instrument symbol, so records never allocate a symbol. Instances are safe to share between threads.</para>
/// </remarks>
public sealed class SymbolMap
{
    /// <summary>Longest symbol, in characters, that any reader accepts; the binary tick format stores up to this many.</summary>
    public const int MaxSymbolLength = BinaryTickFormat.MaxSymbolBytes;

    /// <summary>venue or instrument symbol → the shared instrument string; null for pass-through.</summary>
    private readonly FrozenDictionary<string, string>? _map;

    /// <summary>Span lookup into <see cref="_map"/>, so a symbol read from a line is mapped without allocating.</summary>
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _mapLookup;

    /// <summary>Pass-through only: symbol → its one shared instance. Grows with the distinct symbols seen.</summary>
    private readonly ConcurrentDictionary<string, string>? _interned;

    /// <summary>Span lookup into <see cref="_interned"/>.</summary>
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _internedLookup;

    private SymbolMap()
    {
        _interned = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        _internedLookup = _interned.GetAlternateLookup<ReadOnlySpan<char>>();
        InstrumentSymbols = [];
    }

    /// <summary>Creates a map from (venue symbol, instrument symbol) pairs.</summary>
    /// <exception cref="ArgumentException">A symbol is empty, too long or has control characters,
    /// or one venue symbol is given two different instruments.</exception>
    public SymbolMap(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var instances = new Dictionary<string, string>(StringComparer.Ordinal);
        var venueToInstrument = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string venue, string instrument) in pairs)
        {
            Validate(venue, nameof(pairs));
            Validate(instrument, nameof(pairs));
            if (!instances.TryGetValue(instrument, out string? shared))
            {
                shared = instrument;
                instances.Add(instrument, shared);
            }

            if (venueToInstrument.TryGetValue(venue, out string? existing) && existing != shared)
            {
                throw new ArgumentException($"Venue symbol '{venue}' is mapped to both '{existing}' and '{shared}'.", nameof(pairs));
            }

            venueToInstrument[venue] = shared;
        }

        // An instrument symbol maps to itself unless it is also some venue's symbol (the explicit pair wins).
        foreach (string instrument in instances.Values)
        {
            venueToInstrument.TryAdd(instrument, instrument);
        }

        _map = venueToInstrument.ToFrozenDictionary(StringComparer.Ordinal);
        _mapLookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
        InstrumentSymbols = [.. instances.Values.Order(StringComparer.Ordinal)];
    }

    /// <summary>A map that accepts every symbol unchanged (one shared instance per distinct symbol, process-wide).</summary>
    public static SymbolMap PassThrough { get; } = new();

    /// <summary>True for <see cref="PassThrough"/>: no symbol is unknown.</summary>
    public bool IsPassThrough => _map is null;

    /// <summary>The configured instrument symbols, sorted ordinally; empty for <see cref="PassThrough"/>.</summary>
    public IReadOnlyList<string> InstrumentSymbols { get; }

    /// <summary>Creates a map from (venue, instrument) tuples, e.g. <c>("BTCUSDT", "BTC-USDT-PERP")</c>.</summary>
    public static SymbolMap FromPairs(params (string Venue, string Instrument)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new SymbolMap(pairs.Select(p => KeyValuePair.Create(p.Venue, p.Instrument)));
    }

    /// <summary>Maps a venue symbol; false when the map does not know it (or, pass-through, when it is not a valid symbol).</summary>
    public bool TryMap(ReadOnlySpan<char> venueSymbol, [NotNullWhen(true)] out string? instrument)
    {
        if (_map is not null)
        {
            return _mapLookup.TryGetValue(venueSymbol, out instrument);
        }

        if (_internedLookup.TryGetValue(venueSymbol, out instrument))
        {
            return true;
        }

        if (!IsValid(venueSymbol))
        {
            instrument = null;
            return false;
        }

        string fresh = venueSymbol.ToString();
        instrument = _interned!.GetOrAdd(fresh, fresh);
        return true;
    }

    /// <summary>Maps a venue symbol; false when the map does not know it.</summary>
    public bool TryMap(string venueSymbol, [NotNullWhen(true)] out string? instrument)
    {
        ArgumentNullException.ThrowIfNull(venueSymbol);
        return TryMap(venueSymbol.AsSpan(), out instrument);
    }

    /// <summary>True when <paramref name="symbol"/> is 1..<see cref="MaxSymbolLength"/> printable ASCII characters
    /// (no space): every venue's symbols are, and so each fits the binary format's 24 bytes.</summary>
    public static bool IsValid(ReadOnlySpan<char> symbol)
        => !symbol.IsEmpty && symbol.Length <= MaxSymbolLength && !symbol.ContainsAnyExceptInRange('!', '~');

    private static void Validate(string symbol, string paramName)
    {
        if (symbol is null || !IsValid(symbol))
        {
            throw new ArgumentException(
                $"'{symbol}' is not a valid symbol: 1..{MaxSymbolLength} printable ASCII characters, no spaces.", paramName);
        }
    }
}
