using LiquidationEngine.Numerics;

namespace LiquidationEngine.Instruments;

/// <summary>One tier of an instrument's risk table, chosen by position notional.</summary>
/// <remarks>The bracket covers notionals in (<see cref="Floor"/>, <see cref="Cap"/>] by default, or
/// [<see cref="Floor"/>, <see cref="Cap"/>) on a floor-inclusive instrument (<see cref="Instrument.Boundary"/>). Maintenance margin inside it is
/// <c>notional × MMR − cum</c>; <see cref="MaintenanceAmount"/> follows the continuity recursion
/// <c>cum_n = floor_n × (MMR_n − MMR_{n−1}) + cum_{n−1}</c> so MM is continuous at every boundary.</remarks>
/// <param name="Floor">Where the bracket starts (the previous bracket's cap), in settlement-asset money.</param>
/// <param name="Cap">Where the bracket ends; whether the cap itself is inside is <see cref="Instrument.Boundary"/>.</param>
/// <param name="MaxLeverage">Highest whole leverage allowed when the position's notional lies in this bracket.</param>
/// <param name="MaintenanceRate">Maintenance margin rate (MMR).</param>
/// <param name="MaintenanceAmount">Maintenance amount (cum), subtracted from notional × MMR.</param>
public readonly record struct RiskBracket(Money Floor, Money Cap, int MaxLeverage, Rate MaintenanceRate, Money MaintenanceAmount);
