extension Duration {
    /// Seconds as a Double, for dates, schedules, timers and log fields.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
