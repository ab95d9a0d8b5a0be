"""Test helpers every service's tests share: token minting and throwaway databases."""
