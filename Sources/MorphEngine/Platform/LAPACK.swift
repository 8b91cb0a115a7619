import CBLAS

/// Symmetric eigendecomposition in Double precision (LAPACK dsyevd): eigenvalues in ascending
/// order and the eigenvectors as columns of a row-major n×n matrix (vectors[i·n + j] = vⱼ[i]).
func symmetricEigen(_ matrix: [Double], n: Int) throws(EngineError) -> (values: [Double], vectors: [Double]) {
    guard n > 0, n <= 46_340, matrix.count == n * n else { throw .invalidArgument("symmetricEigen needs an n×n matrix with n at most 46340") }
    // Column-major for LAPACK; the matrix is symmetric so the row-major buffer is the same.
    var a = matrix
    var w = [Double](repeating: 0, count: n)
    var nn = Int32(n), lda = Int32(n), info: Int32 = 0
    var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workQuery = [Double](repeating: 0, count: 1)
    var iworkQuery = [Int32](repeating: 0, count: 1)
    dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
    guard info == 0 else { throw .lapack(routine: "dsyevd (workspace query)", info: Int(info)) }
    guard let size = Int32(exactly: workQuery[0].rounded(.up)), size > 0, iworkQuery[0] > 0 else {
        throw .invalidArgument("symmetricEigen: the \(n)×\(n) problem needs more workspace than LAPACK can address")
    }
    lwork = size
    liwork = iworkQuery[0]
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    // Its products are threaded at the configured count, never during a single-threaded section.
    BLAS.withThreadedProduct { dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info) }
    guard info == 0 else { throw .lapack(routine: "dsyevd", info: Int(info)) }
    // a is column-major: column j (eigenvector j) at a[j·n ..< (j+1)·n]; transpose to row-major columns.
    var vectors = [Double](repeating: 0, count: n * n)
    for j in 0..<n { for i in 0..<n { vectors[i * n + j] = a[j * n + i] } }
    return (w, vectors)
}
