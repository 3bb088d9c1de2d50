namespace LiquidationEngine.Instruments;

/// <summary>
/// A named set of the isolated-margin rules on which venues differ (docs/MARGIN.md, "Venue rule profiles"). Read only
/// by user operations (remove margin, leverage change, partial close) and liquidation settlement, never on the tick path.
/// </summary>
public sealed class VenueRules
{
    private VenueRules(string name, bool removeMarginRequiresProfit, bool leverageChangeResetsMargin, bool partialCloseReleasesMargin, bool liquidationSurplusToTrader = false)
    {
        LiquidationSurplusToTrader = liquidationSurplusToTrader;
        Name = name;
        RemoveMarginRequiresProfit = removeMarginRequiresProfit;
        LeverageChangeResetsMargin = leverageChangeResetsMargin;
        PartialCloseReleasesMargin = partialCloseReleasesMargin;
    }

    /// <summary>Crypto.com Exchange isolated margin (the seed's rules): remove margin only in profit, a partial close
    /// keeps the margin in the block, raising leverage keeps margin and liquidation price. The default.</summary>
    public static VenueRules CryptoCom { get; } = new("crypto-com", true, false, false);

    /// <summary>Binance USDⓈ-M: margin may be removed at a loss, down to the FAQ's max removable
    /// <c>max(0, min(M − MM, M + uPnL − MP·q·IMR))</c>.</summary>
    public static VenueRules Binance { get; } = new("binance", false, false, false);

    /// <summary>Bybit USDT contracts: a leverage change resets the block to the initial margin at the new leverage
    /// (added margin "returns to zero"), and a partial close releases the margin pro rata, realised PnL to the wallet.</summary>
    public static VenueRules Bybit { get; } = new("bybit", true, true, true);

    /// <summary>dYdX Chain: after the liquidation penalty, what is left of a liquidated block stays with the trader
    /// ("the liquidation engine will attempt to leave funds in accounts of positive value"); other rules as Crypto.com.</summary>
    public static VenueRules Dydx { get; } = new("dydx", true, false, false, liquidationSurplusToTrader: true);

    /// <summary>Every profile, by name.</summary>
    public static IReadOnlyList<VenueRules> All { get; } = [CryptoCom, Binance, Bybit, Dydx];

    /// <summary>The profile's catalog name.</summary>
    public string Name { get; }

    /// <summary>Margin may leave the block only while uPnL &gt; 0 (Crypto.com); otherwise only the max removable binds.</summary>
    public bool RemoveMarginRequiresProfit { get; }

    /// <summary>A leverage change sets the block to IM at the new leverage, moving the difference to or from main.</summary>
    public bool LeverageChangeResetsMargin { get; }

    /// <summary>A partial close of x of q returns <c>M·x/q + realised PnL − fee</c> to main when that is positive.</summary>
    public bool PartialCloseReleasesMargin { get; }

    /// <summary>What is left of a fully liquidated block after the liquidation fee returns to main (dYdX) rather
    /// than going to the insurance fund. Read when a liquidation settles (a fill or no-fill report), not on ticks.</summary>
    public bool LiquidationSurplusToTrader { get; }

    /// <summary>Finds a profile by its catalog name.</summary>
    public static bool TryFind(string name, out VenueRules rules)
    {
        foreach (VenueRules r in All)
        {
            if (string.Equals(r.Name, name, StringComparison.Ordinal))
            {
                rules = r;
                return true;
            }
        }

        rules = CryptoCom;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
