//! Entry points for the fuzz target in `bench/datasets/fuzz` only: the file decoders over
//! bytes already in memory (the public readers take a path). Not part of the crate's API.

use std::path::Path;

use crate::{DatasetError, IdMatrix, Matrix, Vectors};

/// Decodes `bytes` as the contents of an `.fvecs` file.
///
/// # Errors
/// What is wrong with the file, as `read_fvecs` reports it.
pub fn parse_fvecs(bytes: &[u8]) -> Result<Vectors, DatasetError> {
    crate::texmex::parse_fvecs(Path::new("fuzz.fvecs"), bytes)
}

/// Decodes `bytes` as the contents of an `.ivecs` file.
///
/// # Errors
/// What is wrong with the file, as `read_ivecs` reports it.
pub fn parse_ivecs(bytes: &[u8]) -> Result<IdMatrix, DatasetError> {
    crate::texmex::parse_ivecs(Path::new("fuzz.ivecs"), bytes)
}

/// Decodes `bytes` as the contents of a `.bvecs` file.
///
/// # Errors
/// What is wrong with the file, as `read_bvecs` reports it.
pub fn parse_bvecs(bytes: &[u8]) -> Result<Matrix<u8>, DatasetError> {
    crate::texmex::parse_bvecs(Path::new("fuzz.bvecs"), bytes)
}

/// Decodes `bytes` as the contents of a `.npy` file.
///
/// # Errors
/// What is wrong with the file, as `read_npy` reports it.
pub fn parse_npy(bytes: &[u8]) -> Result<Vectors, DatasetError> {
    crate::npy::parse_npy(Path::new("fuzz.npy"), bytes)
}
