/// Colour-blind friendly categorical colours for series and classes.
public enum Palette {
    /// Okabe–Ito, reordered for lines on white (yellow last): blue, vermillion, bluish green,
    /// orange, reddish purple, sky blue, black, yellow.
    public static let okabeIto = ["#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"]
    /// Tableau 10, for more than eight categories (e.g. the ten Fashion-MNIST classes).
    public static let tableau10 = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    /// `count` colours: Okabe–Ito for up to eight, Tableau 10 for up to ten, then cycling Tableau 10.
    public static func colors(count: Int) -> [String] {
        let base = count <= okabeIto.count ? okabeIto : tableau10
        return (0..<max(count, 0)).map { base[$0 % base.count] }
    }
}
