namespace LiquidationEngine.Instruments;

/// <summary>Which notional the maintenance margin is computed on.</summary>
public enum MaintenanceBasis : byte
{
    /// <summary>q × mark price (Binance). The default.</summary>
    Mark = 0,

    /// <summary>q × entry price (Bybit classic): MM stays constant as the mark moves.</summary>
    Entry = 1,
}
