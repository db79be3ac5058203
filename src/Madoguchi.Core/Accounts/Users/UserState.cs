namespace Madoguchi.Core.Accounts.Users;

/// <summary>Invited (登録待ち), active (本登録済み) or locked (ロック中). All three use a seat.</summary>
public enum UserState
{
    Invited = 0,
    Active = 1,
    Locked = 2,
}
