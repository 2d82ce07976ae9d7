//! Inputs other than a directory: each kind run by the real buf and by sous, compared.

mod images;
