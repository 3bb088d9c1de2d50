namespace LiquidationEngine.Perf;

/// <summary>One isolated position to open: the fields of a <c>TradeFill</c> that opens it.</summary>
/// <param name="Instrument">Instrument index.</param>
/// <param name="Side">+1 long, -1 short.</param>
/// <param name="Quantity">Raw quantity (10^-8), on the lot grid.</param>
/// <param name="Price">Raw entry price (10^-8), on the tick grid.</param>
/// <param name="Leverage">Whole leverage, within the bracket's maximum.</param>
public readonly record struct PositionSpec(int Instrument, int Side, long Quantity, long Price, int Leverage);
