/// The image (or batch `[…, H, W]`) moved `dx` pixels right and `dy` pixels down, vacated pixels set to zero.
public func shifted(_ image: NumericArray, by offset: (dx: Int, dy: Int)) throws(DatasetError) -> NumericArray {
    guard image.shape.count >= 2, image.isWellFormed else {
        throw DatasetError("shifted needs an image of shape [..., H, W]; got shape \(image.shape)")
    }
    let height = image.shape[image.shape.count - 2]
    let width = image.shape[image.shape.count - 1]
    let plane = height * width
    var result = NumericArray(shape: image.shape, scalars: [Float](repeating: 0, count: image.scalars.count))
    // Offsets of a full side or more (Int.min included, whose magnitude does not fit) leave nothing.
    guard plane > 0, offset.dx > -width, offset.dx < width, offset.dy > -height, offset.dy < height else { return result }
    for start in stride(from: 0, to: image.scalars.count, by: plane) {
        for y in max(0, offset.dy)..<min(height, height + offset.dy) {
            let sourceRow = start + (y - offset.dy) * width
            let targetRow = start + y * width
            for x in max(0, offset.dx)..<min(width, width + offset.dx) {
                result.scalars[targetRow + x] = image.scalars[sourceRow + x - offset.dx]
            }
        }
    }
    return result
}
