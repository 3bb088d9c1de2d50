using System.Collections.Frozen;
using System.Text.Json;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Instruments;

/// <summary>The configured settlement assets and instruments, indexed densely.</summary>
/// <remarks>Loaded once at start and immutable afterwards, so every thread may read it without locks.
/// The file format is documented in <c>docs/INSTRUMENTS.md</c>.</remarks>
public sealed class InstrumentCatalog
{
    private readonly Instrument[] _instruments;
    private readonly FrozenDictionary<string, int> _bySymbol;
    private readonly FrozenDictionary<string, int> _byAlias;
    private readonly long[] _assetUnits; // raw money units (10^-8) per smallest step of each asset: 10^(8 − decimals)

    /// <summary>Money decimals an asset has when the catalog does not say: the engine's own 8.</summary>
    public const int DefaultAssetDecimals = 8;

    /// <summary>Builds a catalog from already-validated instruments.</summary>
    /// <param name="assets">Settlement asset names.</param>
    /// <param name="instruments">Instruments, each at its own index.</param>
    /// <param name="aliases">Venue symbol → engine symbol.</param>
    /// <param name="assetDecimals">Decimals of each asset (0–8), in <paramref name="assets"/> order; all 8 when null.</param>
    public InstrumentCatalog(IReadOnlyList<string> assets, IReadOnlyList<Instrument> instruments, IReadOnlyDictionary<string, string>? aliases = null, IReadOnlyList<int>? assetDecimals = null)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(instruments);
        Assets = [.. assets];
        int[] decimals = assetDecimals is null ? [.. Enumerable.Repeat(DefaultAssetDecimals, assets.Count)] : [.. assetDecimals];
        if (decimals.Length != assets.Count)
        {
            throw new InstrumentConfigException($"{decimals.Length} asset precisions for {assets.Count} assets.");
        }

        _assetUnits = new long[decimals.Length];
        for (int a = 0; a < decimals.Length; a++)
        {
            if (decimals[a] < 0 || decimals[a] > Money.Decimals)
            {
                throw new InstrumentConfigException($"asset {assets[a]}: precision {decimals[a]} must be 0 to {Money.Decimals} decimals.");
            }

            long unit = 1;
            for (int k = decimals[a]; k < Money.Decimals; k++)
            {
                unit *= 10;
            }

            _assetUnits[a] = unit;
        }

        AssetDecimals = decimals;
        _instruments = [.. instruments];
        var bySymbol = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _instruments.Length; i++)
        {
            if (_instruments[i].Index != i)
            {
                throw new InstrumentConfigException($"{_instruments[i].Symbol}: index {_instruments[i].Index} must equal its position {i}.");
            }

            if (!bySymbol.TryAdd(_instruments[i].Symbol, i))
            {
                throw new InstrumentConfigException($"{_instruments[i].Symbol}: duplicate symbol.");
            }
        }

        var byAlias = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (alias, symbol) in aliases ?? new Dictionary<string, string>())
        {
            if (!bySymbol.TryGetValue(symbol, out int idx))
            {
                throw new InstrumentConfigException($"alias {alias}: unknown instrument {symbol}.");
            }

            byAlias[alias] = idx;
        }

        _bySymbol = bySymbol.ToFrozenDictionary(StringComparer.Ordinal);
        _byAlias = byAlias.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Settlement asset names (USDT, USDC, USD, ...); an asset's index is its position here.</summary>
    public IReadOnlyList<string> Assets { get; }

    /// <summary>Decimals of each settlement asset (USDC 6, USDT 8 ...), in <see cref="Assets"/> order. Balances in main
    /// and every transfer between main and a block are kept on this grid (docs/MARGIN.md, "Asset precision").</summary>
    public IReadOnlyList<int> AssetDecimals { get; }

    /// <summary>Raw money units (10^-8) in one smallest step of an asset: 100 for an asset with 6 decimals.</summary>
    public long AssetUnit(int asset) => _assetUnits[asset];

    /// <summary>True when a raw amount is a whole number of the asset's smallest steps.</summary>
    public bool IsOnAssetGrid(int asset, long raw) => raw % _assetUnits[asset] == 0;

    /// <summary>A raw amount rounded onto the asset's grid: up for requirements, down for payouts.</summary>
    public long RoundToAsset(int asset, long raw, Rounding rounding)
    {
        long unit = _assetUnits[asset];
        return unit == 1 ? raw : checked(FixedPoint.Divide(raw, unit, rounding) * unit);
    }

    /// <summary>Number of instruments.</summary>
    public int Count => _instruments.Length;

    /// <summary>The instrument at a dense index.</summary>
    public Instrument this[int index] => _instruments[index];

    /// <summary>All instruments in index order.</summary>
    public IReadOnlyList<Instrument> Instruments => _instruments;

    /// <summary>Venue symbol → engine symbol pairs, e.g. <c>BTCUSDT → BTC-USDT-PERP</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Aliases
        => _byAlias.Select(kv => new KeyValuePair<string, string>(kv.Key, _instruments[kv.Value].Symbol));

    /// <summary>Finds an instrument by engine symbol or venue alias.</summary>
    public bool TryFind(string symbol, out Instrument instrument)
    {
        if (_bySymbol.TryGetValue(symbol, out int i) || _byAlias.TryGetValue(symbol, out i))
        {
            instrument = _instruments[i];
            return true;
        }

        instrument = null!;
        return false;
    }

    /// <summary>Index of a settlement asset by name, or -1.</summary>
    public int AssetIndex(string asset)
    {
        for (int i = 0; i < Assets.Count; i++)
        {
            if (string.Equals(Assets[i], asset, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Loads and validates a catalog from a JSON file (see <c>docs/INSTRUMENTS.md</c>).</summary>
    /// <exception cref="InstrumentConfigException">The file breaks a rule; the message names file, instrument and bracket.</exception>
    public static InstrumentCatalog Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Load(stream);
        }
        catch (InstrumentConfigException e)
        {
            throw new InstrumentConfigException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Loads and validates a catalog from a JSON stream.</summary>
    public static InstrumentCatalog Load(Stream json)
    {
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InstrumentConfigException($"malformed JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }

        if (file?.Assets is not { Count: > 0 } || file.Instruments is not { Count: > 0 })
        {
            throw new InstrumentConfigException("the file needs non-empty \"assets\" and \"instruments\".");
        }

        var instruments = new List<Instrument>(file.Instruments.Count);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (InstrumentEntry e in file.Instruments)
        {
            string symbol = e.Symbol ?? throw new InstrumentConfigException($"instrument #{instruments.Count + 1}: missing \"symbol\".");
            int asset = file.Assets.IndexOf(e.SettlementAsset ?? string.Empty);
            if (asset < 0)
            {
                throw new InstrumentConfigException($"{symbol}: settlementAsset \"{e.SettlementAsset}\" is not in \"assets\".");
            }

            var brackets = new List<RiskBracket>();
            foreach (BracketEntry b in e.Brackets ?? [])
            {
                string where = $"{symbol} bracket {brackets.Count + 1}";
                brackets.Add(new RiskBracket(
                    ParseField<Money>(b.Floor, where, "floor"),
                    ParseField<Money>(b.Cap, where, "cap"),
                    b.MaxLeverage,
                    ParseField<Rate>(b.Mmr, where, "mmr"),
                    ParseField<Money>(b.Cum ?? "0", where, "cum")));
            }

            MaintenanceBasis basis = e.MaintenanceBasis switch
            {
                null or "mark" => MaintenanceBasis.Mark,
                "entry" => MaintenanceBasis.Entry,
                _ => throw new InstrumentConfigException($"{symbol}: maintenanceBasis must be \"mark\" or \"entry\", got \"{e.MaintenanceBasis}\"."),
            };

            BracketBoundary boundary = e.BracketBoundary switch
            {
                null or "cap" => BracketBoundary.CapInclusive,
                "floor" => BracketBoundary.FloorInclusive,
                _ => throw new InstrumentConfigException($"{symbol}: bracketBoundary must be \"cap\" (floor < x ≤ cap) or \"floor\" (floor ≤ x < cap), got \"{e.BracketBoundary}\"."),
            };

            string profile = e.Profile ?? file.Profile ?? VenueRules.CryptoCom.Name;
            if (!VenueRules.TryFind(profile, out VenueRules rules))
            {
                throw new InstrumentConfigException($"{symbol}: profile \"{profile}\" is not one of {string.Join(", ", VenueRules.All.Select(r => r.Name))}.");
            }

            instruments.Add(new Instrument(
                instruments.Count,
                symbol,
                asset,
                ParseField<Price>(e.TickSize, symbol, "tickSize"),
                ParseField<Quantity>(e.LotSize, symbol, "lotSize"),
                ParseField<Rate>(e.LiquidationFeeRate, symbol, "liquidationFeeRate"),
                basis,
                brackets,
                e.ReferencePrice is null ? default : ParseField<Price>(e.ReferencePrice, symbol, "referencePrice"),
                boundary,
                rules));
            foreach (string alias in e.VenueSymbols ?? [])
            {
                if (!aliases.TryAdd(alias, symbol))
                {
                    throw new InstrumentConfigException($"{symbol}: venue symbol {alias} is already mapped to {aliases[alias]}.");
                }
            }
        }

        var decimals = new int[file.Assets.Count];
        Array.Fill(decimals, DefaultAssetDecimals);
        foreach (var (asset, places) in file.AssetDecimals ?? [])
        {
            int a = file.Assets.IndexOf(asset);
            if (a < 0)
            {
                throw new InstrumentConfigException($"assetDecimals: \"{asset}\" is not in \"assets\".");
            }

            decimals[a] = places;
        }

        return new InstrumentCatalog(file.Assets, instruments, aliases, decimals);
    }

    private static T ParseField<T>(string? text, string where, string field)
        where T : struct, IFixedPoint<T>
    {
        if (text is null)
        {
            throw new InstrumentConfigException($"{where}: missing \"{field}\".");
        }

        ParseError error = FixedPointText.TryParse(text.AsSpan(), out T value);
        return error == ParseError.None
            ? value
            : throw new InstrumentConfigException($"{where}: \"{field}\" = \"{text}\" is not an exact decimal with {T.Decimals} places ({error}).");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private sealed class CatalogFile
    {
        public List<string>? Assets { get; set; }

        public Dictionary<string, int>? AssetDecimals { get; set; }

        public string? Profile { get; set; }

        public List<InstrumentEntry>? Instruments { get; set; }
    }

    private sealed class InstrumentEntry
    {
        public string? Symbol { get; set; }

        public List<string>? VenueSymbols { get; set; }

        public string? SettlementAsset { get; set; }

        public string? TickSize { get; set; }

        public string? LotSize { get; set; }

        public string? LiquidationFeeRate { get; set; }

        public string? MaintenanceBasis { get; set; }

        public string? ReferencePrice { get; set; }

        public string? BracketBoundary { get; set; }

        public string? Profile { get; set; }

        public List<BracketEntry>? Brackets { get; set; }
    }

    private sealed class BracketEntry
    {
        public string? Floor { get; set; }

        public string? Cap { get; set; }

        public int MaxLeverage { get; set; }

        public string? Mmr { get; set; }

        public string? Cum { get; set; }
    }
}
