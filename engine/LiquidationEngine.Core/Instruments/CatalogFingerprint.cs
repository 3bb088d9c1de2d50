using System.Text;

namespace LiquidationEngine.Instruments;

/// <summary>What the data was written with: the catalog's assets and instruments by id (symbol, settlement asset,
/// tick and lot size, brackets), one line each, so snapshots and journal segments can say what changed.</summary>
/// <remarks>Instruments and assets keep their ids for the life of the data: a position or a balance is stored by id.
/// Adding instruments or assets at new ids (after the last) is allowed; anything else that changes a line is not.</remarks>
public sealed class CatalogFingerprint
{
    private CatalogFingerprint(IReadOnlyList<string> assets, IReadOnlyList<string> instruments)
    {
        Assets = assets;
        Instruments = instruments;
    }

    /// <summary>Asset codes by asset id.</summary>
    public IReadOnlyList<string> Assets { get; }

    /// <summary>One line per instrument id.</summary>
    public IReadOnlyList<string> Instruments { get; }

    /// <summary>The fingerprint of a catalog.</summary>
    public static CatalogFingerprint Of(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CatalogFingerprint([.. catalog.Assets], [.. catalog.Instruments.Select(i => Line(catalog, i))]);
    }

    /// <summary>A fingerprint read back (<see cref="Write"/>).</summary>
    public static CatalogFingerprint Read(BinaryReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string[] assets = new string[r.ReadInt32()];
        for (int i = 0; i < assets.Length; i++)
        {
            assets[i] = r.ReadString();
        }

        string[] instruments = new string[r.ReadInt32()];
        for (int i = 0; i < instruments.Length; i++)
        {
            instruments[i] = r.ReadString();
        }

        return new CatalogFingerprint(assets, instruments);
    }

    /// <summary>Writes the lines (counts, then length-prefixed UTF-8 strings).</summary>
    public void Write(BinaryWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.Write(Assets.Count);
        foreach (string a in Assets)
        {
            w.Write(a);
        }

        w.Write(Instruments.Count);
        foreach (string line in Instruments)
        {
            w.Write(line);
        }
    }

    /// <summary>A 64-bit hash (FNV-1a) of the first <paramref name="assets"/> assets and
    /// <paramref name="instruments"/> instruments: what a journal segment header records, compared over the counts
    /// the segment was written with, so instruments added later do not change it.</summary>
    public ulong Hash(int assets, int instruments)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (string s in Assets.Take(assets).Append("|").Concat(Instruments.Take(instruments)))
        {
            foreach (byte b in Encoding.UTF8.GetBytes(s + "\n"))
            {
                h = unchecked((h ^ b) * 0x100000001B3UL);
            }
        }

        return h;
    }

    /// <summary>What <paramref name="current"/> changed against this (the data's) catalog, one line per id; empty when
    /// it only appends assets or instruments at new ids.</summary>
    public IReadOnlyList<string> ChangesIn(CatalogFingerprint current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var changes = new List<string>();
        for (int k = 0; k < Assets.Count; k++)
        {
            string now = k < current.Assets.Count ? current.Assets[k] : "(missing)";
            if (now != Assets[k])
            {
                changes.Add($"asset {k} was {Assets[k]}, is now {now}");
            }
        }

        for (int i = 0; i < Instruments.Count; i++)
        {
            string now = i < current.Instruments.Count ? current.Instruments[i] : "(missing)";
            if (now != Instruments[i])
            {
                changes.Add($"instrument {i} was [{Instruments[i]}], is now [{now}]");
            }
        }

        return changes;
    }

    private static string Line(InstrumentCatalog catalog, Instrument i)
    {
        var b = new StringBuilder();
        b.Append(i.Symbol).Append(" settles ").Append(catalog.Assets[i.SettlementAsset])
            .Append(" tick ").Append(i.TickSize).Append(" lot ").Append(i.LotSize).Append(" brackets");
        foreach (RiskBracket r in i.Brackets)
        {
            b.Append(' ').Append(r.Floor).Append("..").Append(r.Cap).Append(" x").Append(r.MaxLeverage)
                .Append(" mmr ").Append(r.MaintenanceRate).Append(" cum ").Append(r.MaintenanceAmount);
        }

        return b.ToString();
    }
}

/// <summary>The catalog does not match the one the data was written with (<see cref="CatalogFingerprint"/>).</summary>
public sealed class CatalogMismatchException : Exception
{
    /// <summary>Creates the exception with what changed.</summary>
    public CatalogMismatchException(string where, IReadOnlyList<string> changes)
        : base($"{where} was written with another instrument catalog: {string.Join("; ", changes)}. Instruments and assets keep their ids; add new ones at new ids after the last (docs/OPERATIONS.md, 'Changing the catalog')")
    {
        Changes = changes;
    }

    /// <summary>Creates the exception.</summary>
    public CatalogMismatchException()
    {
        Changes = [];
    }

    /// <summary>Creates the exception.</summary>
    public CatalogMismatchException(string message)
        : base(message)
    {
        Changes = [message];
    }

    /// <summary>Creates the exception.</summary>
    public CatalogMismatchException(string message, Exception inner)
        : base(message, inner)
    {
        Changes = [message];
    }

    /// <summary>One line per changed id.</summary>
    public IReadOnlyList<string> Changes { get; }
}
