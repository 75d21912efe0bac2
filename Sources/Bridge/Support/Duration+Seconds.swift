extension Duration {
    /// Seconds as a Double, for dates and schedules.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
